// processhost-hash-password: prints an Argon2id hash for a users file's "passwordHash".
// The password comes from the terminal (asked twice, not echoed) or from stdin's first
// line, never from the command line, where other users could read it in the process list.

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "password_hasher.hpp"

namespace {

using processhost::plugins::iam::PasswordHasher;
using processhost::plugins::iam::PasswordLimits;

constexpr std::string_view kUsage =
    "usage: processhost-hash-password [--ops-limit N] [--mem-limit BYTES]\n"
    "Reads a password (from the terminal, or the first line of stdin) and prints its Argon2id\n"
    "hash for the iam plugin's users file. Defaults are libsodium's interactive limits.\n";

// Restores the terminal's echo when it goes out of scope, even on an exception.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

bool read_line(std::string& line) {
  if (!std::getline(std::cin, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::string prompt(const char* text) {
  std::cerr << text << std::flush;
  std::string line;
  {
    EchoOff echo_off;
    if (!read_line(line)) line.clear();
  }
  std::cerr << '\n';
  return line;
}

bool parse_number(std::string_view text, unsigned long long& value) {
  try {
    std::size_t used = 0;
    value = std::stoull(std::string(text), &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  PasswordLimits limits{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
  for (int i = 1; i < argc; ++i) {
    std::string_view argument = argv[i];
    unsigned long long value = 0;
    if (argument == "--help" || argument == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if ((argument == "--ops-limit" || argument == "--mem-limit") && i + 1 < argc && parse_number(argv[i + 1], value)) {
      if (argument == "--ops-limit") {
        limits.ops_limit = value;
      } else {
        limits.mem_limit_bytes = static_cast<std::size_t>(value);
      }
      ++i;
      continue;
    }
    std::cerr << "processhost-hash-password: unexpected argument '" << argument << "'\n" << kUsage;
    return 2;
  }

  std::string password;
  if (isatty(STDIN_FILENO)) {
    password = prompt("Password: ");
    if (prompt("Repeat password: ") != password) {
      std::cerr << "processhost-hash-password: the passwords differ\n";
      return 1;
    }
  } else if (!read_line(password)) {
    std::cerr << "processhost-hash-password: no password on stdin\n";
    return 1;
  }
  if (password.empty()) {
    std::cerr << "processhost-hash-password: the password is empty\n";
    return 1;
  }
  try {
    PasswordHasher hasher(limits);
    std::cout << hasher.hash(password) << '\n';
    sodium_memzero(password.data(), password.size());
  } catch (const std::exception& error) {
    std::cerr << "processhost-hash-password: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
