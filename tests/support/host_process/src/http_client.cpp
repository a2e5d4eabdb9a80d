#include "processhost/testing/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace processhost::testing {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::optional<std::string> HttpReply::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

HttpClient::HttpClient(std::uint16_t port, std::string address, std::chrono::milliseconds timeout,
                       std::string source_address)
    : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw HttpClientError(std::string("socket: ") + std::strerror(errno));
  if (!source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    const bool parsed = ::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) == 1;
    if (!parsed || ::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      const std::string reason = parsed ? std::strerror(errno) : "not an IPv4 address";
      ::close(fd_);
      fd_ = -1;
      throw HttpClientError("bind to " + source_address + ": " + reason);
    }
  }
  sockaddr_in endpoint{};
  endpoint.sin_family = AF_INET;
  endpoint.sin_port = htons(port);
  if (::inet_pton(AF_INET, address.c_str(), &endpoint.sin_addr) != 1) {
    ::close(fd_);
    throw HttpClientError("not an IPv4 address: " + address);
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&endpoint), sizeof endpoint) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw HttpClientError("connect to " + address + ":" + std::to_string(port) + ": " + reason);
  }
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

void HttpClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw HttpClientError(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

bool HttpClient::fill(std::chrono::milliseconds timeout) {
  pollfd entry{fd_, POLLIN, 0};
  const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
  if (ready == 0) throw HttpClientError("timed out waiting for the server");
  if (ready < 0) throw HttpClientError(std::string("poll: ") + std::strerror(errno));
  char chunk[16384];
  const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
  if (received < 0) {
    if (errno == ECONNRESET) return false;
    throw HttpClientError(std::string("recv: ") + std::strerror(errno));
  }
  if (received == 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(received));
  return true;
}

HttpReply HttpClient::read_reply() {
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(timeout_)) throw HttpClientError("connection closed before a complete reply header");
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  HttpReply reply;
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    throw HttpClientError("not an HTTP reply: " + status_line);
  }
  reply.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    reply.headers.emplace_back(lower(line.substr(0, colon)), trim(std::string_view(line).substr(colon + 1)));
  }
  if (auto length = reply.header("content-length")) {
    const std::size_t size = std::stoul(*length);
    while (buffer_.size() < size) {
      if (!fill(timeout_)) throw HttpClientError("connection closed in the middle of a reply body");
    }
    reply.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
  } else if (reply.status != 204 && reply.status != 304 && reply.status >= 200) {
    while (fill(timeout_)) {
    }
    reply.body = std::move(buffer_);
    buffer_.clear();
  }
  return reply;
}

HttpReply HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                              const Headers& headers) {
  std::string message = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    message += name + ": " + value + "\r\n";
    has_length |= lower(name) == "content-length";
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT")) {
    message += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  message += "\r\n";
  message += body;
  send_raw(message);
  return read_reply();
}

HttpReply HttpClient::post(std::string_view target, std::string_view body, const Headers& headers) {
  Headers all = headers;
  bool has_type = false;
  for (const auto& entry : headers) has_type |= lower(entry.first) == "content-type";
  if (!has_type) all.emplace_back("Content-Type", "application/json");
  return request("POST", target, body, all);
}

bool HttpClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    try {
      if (!fill(left)) return true;
    } catch (const HttpClientError&) {
      return false;
    }
  }
  return false;
}

HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target, std::string_view body,
                       const Headers& headers) {
  HttpClient client(port);
  return client.request(method, target, body, headers);
}

}  // namespace processhost::testing
