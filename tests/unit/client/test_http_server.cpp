#include "test_http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <strings.h>
#include <thread>

namespace processhost::client::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string TestRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "<absent>";
}

struct TestHttpServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  Handler handler;
  std::atomic<std::size_t> accepted{0};
  std::thread thread;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      TestRequest seen{std::string(request.method_string()), std::string(request.target()), request.body(), {}};
      for (const auto& field : request) seen.headers.emplace_back(field.name_string(), field.value());
      TestResponse answer = handler(seen);
      if (answer.delay.count() > 0) {
        asio::steady_timer timer(io, answer.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
      response.keep_alive(request.keep_alive());
      if (!answer.body.empty()) response.set(http::field::content_type, "application/json");
      response.body() = answer.body;
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || answer.close_after || !response.keep_alive()) {
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
      }
    }
  }
};

TestHttpServer::TestHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

TestHttpServer::~TestHttpServer() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t TestHttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::size_t TestHttpServer::connections_accepted() const {
  return impl_->accepted.load();
}

}  // namespace processhost::client::testing
