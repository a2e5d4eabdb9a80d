#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <sys/socket.h>

#include "fuzz_entries.hpp"
#include "http_session.hpp"
#include "silent_logger.hpp"

namespace processhost::fuzz {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A route table like a host's: literal and parameter segments, one handler that answers
// with what it parsed, so that the request's conversion is exercised down to the handler.
struct HttpFixture {
  HttpFixture() : shared(std::make_shared<host::HttpShared>(host::HttpConfig{}, logger, "processhost-fuzz")) {
    const auto echo = [](HttpRequest request, std::shared_ptr<Responder> responder) {
      std::string body = "{\"path\":" + json_quote(request.path) +
                         ",\"query\":" + std::to_string(request.query.size()) +
                         ",\"params\":" + std::to_string(request.params.size()) +
                         ",\"bytes\":" + std::to_string(request.body.size()) + "}";
      responder->respond(HttpResponse::json(200, std::move(body)));
    };
    routes.add("fuzz", "GET", "/health", echo);
    routes.add("fuzz", "POST", "/items/:id", echo);
    routes.add("fuzz", "GET", "/items/:id/parts/:part", echo);
    routes.add("fuzz", "GET", "/items/own", echo);
  }
  SilentLogger logger;
  host::RouteTable routes;
  std::shared_ptr<host::HttpShared> shared;
};

// The statuses of the answers the client read, e.g. "200 400 close". A byte stream that is
// not a sequence of HTTP responses is a finding.
std::string answers(const std::string& received) {
  std::string outcome;
  boost::beast::error_code error;
  std::string_view rest = received;
  while (!rest.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    const auto used = parser.put(asio::buffer(rest.data(), rest.size()), error);
    if (error || !parser.is_done()) finding("the host wrote a malformed HTTP response: " + std::string(rest));
    outcome += std::to_string(parser.get().result_int()) + " ";
    rest.remove_prefix(used);
  }
  return outcome + "close";
}

}  // namespace

std::string http_stream(std::string_view input) {
  static HttpFixture fixture;
  asio::io_context io;
  // A connected socket pair instead of TCP: the session reads and writes a stream socket
  // without caring for its family, and a pair costs no port (millions of loopback
  // connections would exhaust them through TIME_WAIT).
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) finding("socketpair failed");
  asio::ip::tcp::socket server_side(io);
  server_side.assign(asio::ip::tcp::v4(), fds[0]);
  asio::local::stream_protocol::socket client(io);
  client.assign(asio::local::stream_protocol(), fds[1]);

  bool closed = false;
  auto session = std::make_shared<host::HttpSession>(std::move(server_side), fixture.routes, fixture.shared,
                                                     [&closed](host::HttpSession*) { closed = true; });
  session->start();
  // The client sends everything, then ends its side, and reads until the host closes.
  asio::async_write(client, asio::buffer(input.data(), input.size()),
                    [&client](boost::system::error_code, std::size_t) {
                      boost::system::error_code ignored;
                      client.shutdown(asio::socket_base::shutdown_send, ignored);
                    });
  std::string received;
  asio::async_read(client, asio::dynamic_buffer(received), [](boost::system::error_code, std::size_t) {});
  io.run();
  session.reset();
  if (!closed) finding("the session did not close after the client ended the stream");
  return answers(received);
}

}  // namespace processhost::fuzz
