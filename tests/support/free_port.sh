# Sourced by scripts that start servers on loopback: free_loopback_port prints a port nothing
# listens on, or fails after 50 tries.
#
# Candidates lie below the kernel's ephemeral range: a port inside it may be the local end
# of some client connection (or in TIME_WAIT), which the probe for a listener does not see
# but bind refuses.

random_listen_port() {
  local ephemeral_low
  ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  if ((ephemeral_low > 21000)); then
    echo $((20000 + RANDOM % (ephemeral_low - 20000)))
  else
    echo $((20000 + RANDOM % 30000))
  fi
}

free_loopback_port() {
  local candidate
  for _ in $(seq 1 50); do
    candidate=$(random_listen_port)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}
