// The streamed read of an event stream, which the library's HttpTransport (whole replies)
// does not do. Asynchronous Beast operations driven one at a time on the calling thread: the
// stream's deadlines give the timeouts, and stop() from another thread closes the socket
// through the io_context, which is the one thread-safe way into a socket in use.

#include "processhost/client/event_stream.hpp"

#include <atomic>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace processhost::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Largest event block kept while waiting for its end: a stream that never ends a block must
// not grow the reader's memory without bound.
constexpr std::size_t kMaxBlockBytes = 4 * 1024 * 1024;

}  // namespace

bool parse_event_block(const std::string& block, StreamEvent& event) {
  event = StreamEvent{};
  bool has_data = false;
  std::size_t start = 0;
  while (start < block.size()) {
    auto end = block.find('\n', start);
    if (end == std::string::npos) end = block.size();
    std::string line = block.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == ':') continue;
    const auto colon = line.find(':');
    const std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (field == "data") {
      event.data += (has_data ? "\n" : "") + value;
      has_data = true;
    } else if (field == "event") {
      event.event = value;
    } else if (field == "id") {
      event.id = value;
    }
  }
  return has_data;
}

struct EventStream::Impl {
  BaseUrl base;
  EventStreamRequest request;
  asio::io_context io;
  tcp::resolver resolver{io};
  beast::tcp_stream stream{io};
  std::atomic<bool> stop_requested{false};
  bool followed = false;

  // Runs the io_context until the operation just started (and a posted stop) completed.
  void run() {
    io.restart();
    io.run();
  }

  std::string describe(const beast::error_code& error, const char* step) const {
    if (error == beast::error::timeout) return std::string("timed out while ") + step;
    if (error == http::error::end_of_stream || error == asio::error::eof) return "the host ended the stream";
    return std::string(step) + " failed: " + error.message();
  }

  StreamOutcome follow(const std::function<void()>& on_open, const std::function<bool(const StreamEvent&)>& on_event);
};

EventStream::EventStream(BaseUrl base, EventStreamRequest request) : impl_(std::make_unique<Impl>()) {
  impl_->base = std::move(base);
  impl_->request = std::move(request);
}

EventStream::~EventStream() = default;

void EventStream::stop() {
  impl_->stop_requested = true;
  // Runs inside the next io.run() of follow(); follow() also checks the flag between steps,
  // so a stop that lands while no socket is open is not lost.
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->resolver.cancel();
    beast::error_code ignored;
    impl->stream.socket().close(ignored);
  });
}

StreamOutcome EventStream::follow(const std::function<void()>& on_open,
                                  const std::function<bool(const StreamEvent&)>& on_event) {
  return impl_->follow(on_open, on_event);
}

StreamOutcome EventStream::Impl::follow(const std::function<void()>& on_open,
                                        const std::function<bool(const StreamEvent&)>& on_event) {
  StreamOutcome outcome;
  if (followed) {
    outcome.error = "an EventStream is followed once";
    return outcome;
  }
  followed = true;
  beast::error_code error;
  auto stopped = [&] {
    outcome.stopped = stop_requested.load();
    return outcome.stopped;
  };

  tcp::resolver::results_type endpoints;
  resolver.async_resolve(base.host, std::to_string(base.port),
                         [&](beast::error_code ec, tcp::resolver::results_type results) {
                           error = ec;
                           endpoints = std::move(results);
                         });
  run();
  if (stopped()) return outcome;
  if (error) {
    outcome.error = "could not resolve " + base.host + ": " + error.message();
    return outcome;
  }
  stream.expires_after(request.connect_timeout);
  stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) { error = ec; });
  run();
  if (stopped()) return outcome;
  if (error) {
    outcome.error = "could not connect to " + base.to_string() + ": " + describe(error, "connecting");
    return outcome;
  }

  http::request<http::empty_body> head(http::verb::get, base.path_prefix + request.target, 11);
  head.set(http::field::host, base.host + ":" + std::to_string(base.port));
  head.set(http::field::accept, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set(http::field::user_agent, request.user_agent);
  if (!request.authorization.empty()) head.set(http::field::authorization, request.authorization);
  if (!request.last_event_id.empty()) head.set("Last-Event-ID", request.last_event_id);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);  // a stream has no end to limit; blocks are limited below
  http::async_write(stream, head, [&](beast::error_code ec, std::size_t) {
    error = ec;
    if (!ec)
      http::async_read_header(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) { error = read_ec; });
  });
  run();
  if (stopped()) return outcome;
  if (error) {
    outcome.error = describe(error, "requesting the stream");
    return outcome;
  }
  if (parser.get().result_int() != 200) {
    outcome.status = static_cast<int>(parser.get().result_int());
    // The refusal's body (a JSON error) is small; read it for the message.
    http::response_parser<http::string_body> rest(std::move(parser));
    rest.body_limit(64 * 1024);
    http::async_read(stream, buffer, rest, [&](beast::error_code ec, std::size_t) { error = ec; });
    run();
    outcome.error = error ? std::string(rest.get().reason()) : rest.get().body();
    return outcome;
  }
  outcome.opened = true;
  if (on_open) on_open();

  std::string pending;
  char chunk[4096];
  while (!parser.is_done()) {
    if (stopped()) return outcome;
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    stream.expires_after(request.idle_timeout);
    // read_some: returns with what has arrived, so a lone small event is not held back.
    http::async_read_some(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { error = ec; });
    run();
    if (stopped()) return outcome;
    if (error && error != http::error::need_buffer) {
      outcome.error = describe(error, "reading the stream");
      return outcome;
    }
    // SSE allows CRLF, LF or CR line ends; LF alone is kept.
    for (std::size_t i = 0; i < sizeof chunk - parser.get().body().size; ++i) {
      if (chunk[i] != '\r') pending += chunk[i];
    }
    for (auto end = pending.find("\n\n"); end != std::string::npos; end = pending.find("\n\n")) {
      StreamEvent event;
      const bool has_data = parse_event_block(pending.substr(0, end), event);
      pending.erase(0, end + 2);
      if (has_data && !on_event(event)) {
        outcome.ended_by_handler = true;
        return outcome;
      }
    }
    if (pending.size() > kMaxBlockBytes) {
      outcome.error = "an event of the stream is larger than 4 MiB";
      return outcome;
    }
  }
  outcome.error = "the host ended the stream";
  return outcome;
}

StreamOutcome follow_event_stream(const BaseUrl& base, const EventStreamRequest& request,
                                  const std::function<bool(const StreamEvent&)>& on_event) {
  EventStream stream(base, request);
  return stream.follow(nullptr, on_event);
}

}  // namespace processhost::client
