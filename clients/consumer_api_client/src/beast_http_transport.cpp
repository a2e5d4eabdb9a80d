// The only translation unit of the client library that includes Beast/Asio: it is slow to
// compile, and keeping it here keeps the public headers plain C++.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <mutex>
#include <optional>

#include "processhost/client/http_transport.hpp"

namespace processhost::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct BeastHttpTransport::Impl {
  BaseUrl base_url;
  TransportOptions options;
  std::string host_header;
  mutable std::mutex mutex;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::size_t connections = 0;

  // Drives the pending asynchronous operation to completion on this thread. Async calls
  // with tcp_stream deadlines are what give the synchronous API its timeouts.
  void run() {
    io.restart();
    io.run();
  }

  void close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.reset();
    }
    buffer.clear();
  }

  beast::error_code connect() {
    close();
    stream.emplace(io);
    tcp::resolver resolver(io);
    beast::error_code result;
    // The stream's deadline covers connecting; the timer covers name resolution, which
    // the stream knows nothing of. Both share the connect timeout.
    const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
    asio::steady_timer resolve_deadline(io, deadline);
    bool resolve_timed_out = false;
    resolve_deadline.async_wait([&](beast::error_code ec) {
      if (ec) return;
      resolve_timed_out = true;
      resolver.cancel();
    });
    resolver.async_resolve(base_url.host, std::to_string(base_url.port),
                           [&](beast::error_code ec, const tcp::resolver::results_type& endpoints) {
                             resolve_deadline.cancel();
                             if (ec) {
                               result = resolve_timed_out ? beast::error_code(beast::error::timeout) : ec;
                               return;
                             }
                             stream->expires_at(deadline);
                             stream->async_connect(endpoints, [&](beast::error_code connect_ec,
                                                                  const tcp::endpoint&) { result = connect_ec; });
                           });
    run();
    if (result) {
      close();
    } else {
      ++connections;
    }
    return result;
  }

  // One request/response on the open connection. got_some tells whether any byte of a
  // reply arrived, which decides whether a failed exchange may be retried.
  beast::error_code exchange(const HttpCall& call, HttpReply& reply, bool& got_some) {
    http::request<http::string_body> request{http::string_to_verb(call.method),
                                             base_url.path_prefix + call.target, 11};
    request.set(http::field::host, host_header);
    request.set(http::field::user_agent, options.user_agent);
    request.set(http::field::accept, "application/json");
    request.keep_alive(true);
    for (const auto& [name, value] : call.headers) request.set(name, value);
    if (!call.body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = call.body;
    }
    request.prepare_payload();

    http::response_parser<http::string_body> parser;
    parser.body_limit(options.body_limit);
    beast::error_code result;
    stream->expires_after(options.request_timeout);
    http::async_write(*stream, request, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      http::async_read(*stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) { result = read_ec; });
    });
    run();
    got_some = parser.got_some();
    if (result) return result;

    auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.reason = std::string(response.reason());
    for (const auto& field : response) {
      reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    reply.body = std::move(response.body());
    if (!response.keep_alive()) close();
    return result;
  }

  ClientError to_error(const beast::error_code& ec, bool connecting) const {
    const std::string where = base_url.to_string();
    if (ec == beast::error::timeout) {
      auto limit = connecting ? options.connect_timeout : options.request_timeout;
      return make_client_error(ErrorKind::timeout, std::string(connecting ? "could not connect to " : "no answer from ") +
                                                       where + " within " + std::to_string(limit.count()) + " ms");
    }
    if (ec == http::error::body_limit) {
      return make_client_error(ErrorKind::protocol, "the answer from " + where + " is larger than " +
                                                        std::to_string(options.body_limit) + " bytes");
    }
    return make_client_error(ErrorKind::transport, std::string(connecting ? "could not connect to " : "request to ") +
                                                       where + (connecting ? ": " : " failed: ") + ec.message());
  }
};

namespace {

// The host closed an idle kept-alive connection: the request never reached a handler.
bool stale_connection(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

BeastHttpTransport::BeastHttpTransport(BaseUrl base_url, TransportOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->host_header = base_url.host + ":" + std::to_string(base_url.port);
  impl_->base_url = std::move(base_url);
  impl_->options = std::move(options);
}

BeastHttpTransport::~BeastHttpTransport() {
  impl_->close();
}

ClientResult<HttpReply> BeastHttpTransport::send(const HttpCall& call) {
  std::lock_guard lock(impl_->mutex);
  if (http::string_to_verb(call.method) == http::verb::unknown) {
    return make_client_error(ErrorKind::protocol, "unknown HTTP method '" + call.method + "'");
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->stream.has_value();
    if (!reused) {
      if (auto ec = impl_->connect()) return impl_->to_error(ec, true);
    }
    HttpReply reply;
    bool got_some = false;
    auto ec = impl_->exchange(call, reply, got_some);
    if (!ec) return reply;
    impl_->close();
    if (!(reused && !got_some && stale_connection(ec))) return impl_->to_error(ec, false);
  }
  return make_client_error(ErrorKind::transport, "the connection to " + impl_->base_url.to_string() + " keeps closing");
}

const BaseUrl& BeastHttpTransport::base_url() const {
  return impl_->base_url;
}

std::size_t BeastHttpTransport::connections_opened() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

}  // namespace processhost::client
