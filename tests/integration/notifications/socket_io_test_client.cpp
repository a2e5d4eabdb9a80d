#include "socket_io_test_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

namespace processhost::notifications_integration {

namespace asio = boost::asio;
namespace beast = boost::beast;
using processhost::testing::http_request;

std::vector<std::string> split_payload(const std::string& body) {
  std::vector<std::string> packets;
  std::size_t at = 0;
  while (at < body.size()) {
    const auto colon = body.find(':', at);
    if (colon == std::string::npos) break;
    const std::size_t length = std::stoul(body.substr(at, colon - at));
    packets.push_back(body.substr(colon + 1, length));
    at = colon + 1 + length;
  }
  return packets;
}

std::string join_payload(const std::vector<std::string>& packets) {
  std::string body;
  for (const auto& packet : packets) body += std::to_string(packet.size()) + ":" + packet;
  return body;
}

PollingSession::PollingSession(std::uint16_t port, const Headers& headers) : port_(port) {
  const auto reply = http_request(port, "GET", "/socket.io/?EIO=3&transport=polling&t=a", {}, headers);
  if (reply.status != 200) throw std::runtime_error("handshake answered " + std::to_string(reply.status));
  handshake_packets_ = split_payload(reply.body);
  const auto& open = handshake_packets_.at(0);
  const auto start = open.find("\"sid\":\"") + 7;
  sid_ = open.substr(start, open.find('"', start) - start);
}

std::vector<std::string> PollingSession::poll() {
  const auto reply = http_request(port_, "GET", "/socket.io/?EIO=3&transport=polling&sid=" + sid_);
  last_status_ = reply.status;
  last_body_ = reply.body;
  if (reply.status != 200) return {};
  return split_payload(reply.body);
}

int PollingSession::send(const std::vector<std::string>& packets) {
  const auto reply = http_request(port_, "POST", "/socket.io/?EIO=3&transport=polling&sid=" + sid_,
                                  join_payload(packets), {{"Content-Type", "text/plain;charset=UTF-8"}});
  last_status_ = reply.status;
  last_body_ = reply.body;
  return reply.status;
}

std::optional<std::string> PollingSession::wait_for(const std::function<bool(const std::string&)>& wanted,
                                                    std::chrono::milliseconds timeout) {
  for (const auto& packet : received_) {
    if (wanted(packet)) return packet;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    // A ping makes sure the poll returns (with the pong) even when no event comes.
    if (send({"2"}) != 200) return std::nullopt;
    const auto packets = poll();
    if (last_status_ != 200) return std::nullopt;
    // Every packet is kept, also those after the wanted one: a later wait finds them.
    const std::size_t first_new = received_.size();
    received_.insert(received_.end(), packets.begin(), packets.end());
    for (std::size_t i = first_new; i < received_.size(); ++i) {
      if (wanted(received_[i])) return received_[i];
    }
  }
  return std::nullopt;
}

struct WebSocketClient::Impl {
  asio::io_context context;
  beast::websocket::stream<asio::ip::tcp::socket> ws{context};
  beast::flat_buffer buffer;
};

WebSocketClient::WebSocketClient(std::uint16_t port, const std::string& sid) : impl_(std::make_unique<Impl>()) {
  asio::ip::tcp::resolver resolver(impl_->context);
  asio::connect(impl_->ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port),
                      "/socket.io/?EIO=3&transport=websocket" + (sid.empty() ? std::string() : "&sid=" + sid));
}

WebSocketClient::~WebSocketClient() {
  beast::error_code ignored;
  impl_->ws.next_layer().close(ignored);
}

void WebSocketClient::send(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text));
}

std::optional<std::string> WebSocketClient::read(std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(impl_->ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
  beast::error_code error;
  impl_->ws.read(impl_->buffer, error);
  if (error) return std::nullopt;
  std::string message = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return message;
}

std::optional<std::string> WebSocketClient::wait_for(const std::function<bool(const std::string&)>& wanted,
                                                     std::chrono::milliseconds timeout) {
  for (const auto& message : received_) {
    if (wanted(message)) return message;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!message) return std::nullopt;
    received_.push_back(*message);
    if (wanted(*message)) return message;
  }
  return std::nullopt;
}

std::function<bool(const std::string&)> event_named(const std::string& name, const std::string& text) {
  const std::string prefix = "42/consumer_api,[\"" + name + "\",";
  return [prefix, text](const std::string& packet) {
    return packet.rfind(prefix, 0) == 0 && (text.empty() || packet.find(text) != std::string::npos);
  };
}

}  // namespace processhost::notifications_integration
