// The one translation unit of processhost-ctl that speaks Beast: the streamed read of an
// event stream, which the client library's transport (whole replies) does not do.

#include "event_stream.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace processhost::ctl {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Largest event block kept while waiting for its end: a stream that never ends a block must
// not grow the tool's memory without bound.
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

StreamOutcome follow_event_stream(const client::BaseUrl& base, const std::string& target,
                                  const std::string& authorization,
                                  const std::function<bool(const StreamEvent&)>& on_event) {
  StreamOutcome outcome;
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.connect(resolver.resolve(base.host, std::to_string(base.port)));
    http::request<http::empty_body> request(http::verb::get, base.path_prefix + target, 11);
    request.set(http::field::host, base.host);
    request.set(http::field::accept, "text/event-stream");
    request.set(http::field::user_agent, "processhost-ctl");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    http::write(stream, request);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // a stream has no end to limit; blocks are limited below
    http::read_header(stream, buffer, parser);
    if (parser.get().result_int() != 200) {
      outcome.status = static_cast<int>(parser.get().result_int());
      http::response_parser<http::string_body> rest(std::move(parser));
      beast::error_code ignored;
      http::read(stream, buffer, rest, ignored);
      outcome.error = rest.get().body();
      return outcome;
    }
    std::string pending;
    char chunk[4096];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      beast::error_code error;
      http::read(stream, buffer, parser, error);
      if (error && error != http::error::need_buffer) {
        outcome.error = error == http::error::end_of_stream ? "the host ended the stream" : error.message();
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
  } catch (const std::exception& exception) {
    outcome.error = exception.what();
  }
  return outcome;
}

}  // namespace processhost::ctl
