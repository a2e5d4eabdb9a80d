#include "http_session.hpp"

#include <chrono>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "request_target.hpp"
#include "websocket_session.hpp"

namespace processhost::host {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

HttpResponse error_response(ErrorStatus status, std::string message) {
  return HttpResponse::error(status, std::move(message));
}

constexpr std::chrono::milliseconds kLingerTime{1000};

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, const RouteTable& routes, std::shared_ptr<HttpShared> shared,
                         std::function<void(HttpSession*)> on_closed)
    : on_closed_(std::move(on_closed)),
      socket_(std::move(socket)),
      read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()),
      routes_(routes),
      shared_(std::move(shared)) {
  std::lock_guard lock(shared_->mutex);
  ++shared_->sessions;
}

HttpSession::~HttpSession() {
  std::lock_guard lock(shared_->mutex);
  --shared_->sessions;
  shared_->sessions_changed.notify_all();
}

void HttpSession::start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    beast::error_code error;
    const auto endpoint = self->socket_.remote_endpoint(error);
    if (!error) self->remote_address_ = endpoint.address().to_string();
    self->do_read();
  });
}

void HttpSession::drain() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    if (self->slots_.empty()) {
      self->close();
      return;
    }
    // A stream never ends by itself: its handler is told to stop and its body ends now.
    for (auto& slot : self->slots_) {
      if (!slot.stream || slot.stream_ended) continue;
      if (slot.responder) slot.responder->cancel();
      slot.stream_ended = true;
    }
    self->do_write();
  });
}

void HttpSession::force_close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    for (auto& slot : self->slots_) {
      if (slot.response) continue;
      if (slot.responder) slot.responder->cancel();
      slot.response = error_response(ErrorStatus::unavailable, "the host is shutting down");
    }
    if (self->slots_.empty()) {
      self->close();
    } else {
      self->do_write();
    }
  });
}

void HttpSession::deliver(std::uint64_t slot_id, HttpResponse response) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), slot_id, response = std::move(response)]() mutable {
    for (auto& slot : self->slots_) {
      if (slot.id != slot_id) continue;
      if (!slot.response) slot.response = std::move(response);
      self->do_write();
      return;
    }
  });
}

void HttpSession::do_read() {
  if (reading_ || read_closed_ || closed_ || draining_) return;
  if (slots_.size() >= shared_->config.pipeline_limit) {
    // on_write reads again once an answer is out; the line shows a client pipelining that deep.
    if (shared_->logger.enabled(LogLevel::debug)) {
      shared_->logger.debug("http: " + std::to_string(slots_.size()) +
                            " requests unanswered on one connection (pipelineLimit); reading paused");
    }
    return;
  }
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_->config.max_header_bytes));
  // The body limit depends on the route: it is set once the header names the route.
  parser_->body_limit(boost::none);
  reading_ = true;
  if (slots_.empty()) arm_read_deadline();
  // Reads the request line and the header fields, not yet the body.
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_header(error); });
}

void HttpSession::on_header(beast::error_code error) {
  if (read_failed(error)) return;
  arrived_ = std::chrono::steady_clock::now();
  const auto& header = parser_->get();
  if (!parse_request_target(header.target(), target_)) {
    // What follows a target that cannot be decoded cannot be trusted to be framed as the
    // client meant: answer and close instead of reading on.
    refuse_and_close(error_response(ErrorStatus::bad_request, "malformed request target"));
    return;
  }
  const RouteMatch match = routes_.match(header.method_string(), target_.raw_path);
  body_limit_ = match.options.max_body_bytes.value_or(shared_->config.max_body_bytes);
  const auto length = parser_->content_length();
  if (length && *length > body_limit_) {
    refuse_and_close(HttpResponse::error(
        ErrorStatus::payload_too_large,
        "the request body of " + std::to_string(*length) + " bytes exceeds the limit of " +
            std::to_string(body_limit_) + " bytes",
        "{\"limit\":\"maxBodyBytes\",\"max\":" + std::to_string(body_limit_) + "}"));
    return;
  }
  // A chunked body is counted as it arrives; the parser stops at the limit.
  parser_->body_limit(body_limit_);
  reading_ = true;
  // Reads the rest of the request: its body.
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
}

void HttpSession::on_read(beast::error_code error) {
  if (read_failed(error)) return;
  disarm_read_deadline();
  handle_request(parser_->release());
  do_read();
}

bool HttpSession::read_failed(beast::error_code error) {
  reading_ = false;
  if (closed_) return true;
  if (lingering_) {
    close();
    return true;
  }
  if (!error) return false;
  disarm_read_deadline();
  if (error == http::error::end_of_stream || error == asio::error::eof) {
    // The client is gone (a half-closed client cannot be told apart): waiting handlers are
    // cancelled so they drop their wait.
    close();
    return true;
  }
  if (error == http::error::body_limit) {
    refuse_and_close(HttpResponse::error(
        ErrorStatus::payload_too_large, "the request body exceeds the limit of " + std::to_string(body_limit_) + " bytes",
        "{\"limit\":\"maxBodyBytes\",\"max\":" + std::to_string(body_limit_) + "}"));
    return true;
  }
  if (error == http::error::header_limit) {
    const auto max = std::to_string(shared_->config.max_header_bytes);
    refuse_and_close(HttpResponse::error(ErrorStatus::request_header_fields_too_large,
                                         "the request line and header fields exceed the limit of " + max + " bytes",
                                         "{\"limit\":\"maxHeaderBytes\",\"max\":" + max + "}"));
    return true;
  }
  if (error.category() == http::make_error_code(http::error::end_of_stream).category()) {
    refuse_and_close(error_response(ErrorStatus::bad_request, "malformed HTTP request: " + error.message()));
    return true;
  }
  // The client went away or the read timed out: nothing can be answered any more.
  close();
  return true;
}

void HttpSession::refuse_and_close(HttpResponse response) {
  reading_ = false;
  read_closed_ = true;
  answer_now(false, 11, std::move(response));
}

void HttpSession::answer_now(bool keep_alive, unsigned version, HttpResponse response) {
  Slot slot;
  slot.id = next_slot_id_++;
  slot.keep_alive = keep_alive;
  slot.version = version;
  slot.response = std::move(response);
  slots_.push_back(std::move(slot));
  do_write();
}

void HttpSession::handle_request(Request request) {
  const bool keep_alive = request.keep_alive();
  const unsigned version = request.version();
  if (!keep_alive) read_closed_ = true;

  HttpRequest converted;
  RequestTarget target = std::move(target_);
  converted.method = std::string(request.method_string());
  converted.target = std::string(request.target());
  converted.path = std::move(target.path);
  converted.query = std::move(target.query);
  for (const auto& field : request) {
    converted.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  converted.body = std::move(request.body());
  converted.remote_address = remote_address_;
  converted.json_limits = shared_->config.json_limits;

  if (wants_websocket(request, target.raw_path)) {
    upgrade(std::move(request), std::move(converted));
    return;
  }

  RouteMatch match = routes_.match(converted.method, target.raw_path);
  RequestMetrics metrics{shared_->metrics, converted.method,
                         match.kind == RouteMatch::Kind::found ? match.pattern : HttpMetrics::kUnmatched, arrived_};
  if (match.kind == RouteMatch::Kind::not_found) {
    metrics.answered(404);
    answer_now(keep_alive, version,
               error_response(ErrorStatus::not_found, "no route for " + converted.method + " " + converted.path));
    return;
  }
  if (match.kind == RouteMatch::Kind::method_not_allowed) {
    std::string allow;
    for (const auto& method : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + method;
    HttpResponse response = HttpResponse::error(
        make_error(static_cast<ErrorStatus>(405), "method " + converted.method + " is not allowed on " +
                                                      converted.path + " (allowed: " + allow + ")"));
    response.headers.emplace_back("Allow", allow);
    metrics.answered(405);
    answer_now(keep_alive, version, std::move(response));
    return;
  }
  converted.params = std::move(match.params);
  // A route that takes larger bodies (a deploy) takes strings as long as its body: the
  // document it carries is one JSON string.
  if (match.options.max_body_bytes) {
    auto& max_string = converted.json_limits.max_string_bytes;
    max_string = std::max(max_string, *match.options.max_body_bytes);
  }

  Slot slot;
  slot.id = next_slot_id_++;
  slot.keep_alive = keep_alive;
  slot.version = version;
  slot.responder = std::make_shared<SessionResponder>(weak_from_this(), slot.id, shared_, std::move(metrics));
  auto responder = slot.responder;
  slots_.push_back(std::move(slot));
  try {
    match.handler(std::move(converted), responder);
  } catch (const std::exception& exception) {
    shared_->logger.error(std::string("route handler threw: ") + exception.what());
    responder->respond(error_response(ErrorStatus::internal, "internal error"));
  } catch (...) {
    shared_->logger.error("route handler threw a non-standard exception");
    responder->respond(error_response(ErrorStatus::internal, "internal error"));
  }
}

bool HttpSession::wants_websocket(const Request& request, std::string_view raw_path) const {
  if (!shared_->websocket_route || !beast::websocket::is_upgrade(request)) return false;
  const std::string& path = shared_->websocket_route->path;
  return raw_path == path || (raw_path.size() == path.size() + 1 && raw_path.starts_with(path) && raw_path.back() == '/');
}

void HttpSession::upgrade(Request request, HttpRequest converted) {
  if (!slots_.empty()) {
    // An upgrade behind unanswered pipelined requests cannot take the connection over.
    refuse_and_close(error_response(ErrorStatus::bad_request, "a WebSocket upgrade must not be pipelined"));
    return;
  }
  const WebSocketRoute& route = *shared_->websocket_route;
  auto websocket = std::make_shared<WebSocketSession>(std::move(socket_), shared_, route.max_queued_bytes,
                                                      route.max_message_bytes);
  closed_ = true;
  disarm_read_deadline();
  ++write_deadline_generation_;
  write_timer_.cancel();
  websocket->accept(std::move(request), std::move(buffer_),
                    [open = route.open, converted = std::move(converted)](std::shared_ptr<WebSocketChannel> channel) mutable {
                      open(std::move(converted), std::move(channel));
                    });
  // The server forgets this session; the WebSocket session counts for itself.
  if (on_closed_) on_closed_(this);
}

void HttpSession::do_write() {
  if (writing_ || closed_ || slots_.empty() || !slots_.front().response) return;
  Slot& slot = slots_.front();
  const bool last = slots_.size() == 1;
  const bool close_after = !slot.keep_alive || (last && (draining_ || read_closed_));
  if (slot.stream) {
    write_stream(slot, close_after);
    return;
  }
  HttpResponse& response = *slot.response;

  out_.emplace(static_cast<http::status>(response.status), slot.version);
  out_->set(http::field::server, shared_->server_name);
  for (auto& [name, value] : response.headers) out_->insert(name, value);
  out_->body() = std::move(response.body);
  out_->keep_alive(!close_after);
  out_->prepare_payload();

  writing_ = true;
  const auto generation = ++write_deadline_generation_;
  write_timer_.expires_after(shared_->config.write_timeout);
  write_timer_.async_wait([self = shared_from_this(), generation](beast::error_code error) {
    if (!error && generation == self->write_deadline_generation_ && self->writing_) self->close();
  });
  // Writes the whole answer; the next one follows in request order.
  http::async_write(socket_, *out_, [self = shared_from_this(), close_after](beast::error_code error, std::size_t) {
    self->on_write(error, close_after);
  });
}

void HttpSession::on_write(beast::error_code error, bool close_after) {
  writing_ = false;
  ++write_deadline_generation_;
  write_timer_.cancel();
  out_.reset();
  if (closed_) return;
  if (error) {
    close();
    return;
  }
  slots_.pop_front();
  if (close_after || (slots_.empty() && (draining_ || read_closed_))) {
    close_after_sending();
    return;
  }
  do_write();
  do_read();
  if (slots_.empty() && reading_) arm_read_deadline();
}

void HttpSession::arm_read_deadline() {
  const auto generation = ++read_deadline_generation_;
  read_timer_.expires_after(shared_->config.read_timeout);
  read_timer_.async_wait([self = shared_from_this(), generation](beast::error_code error) {
    if (!error && generation == self->read_deadline_generation_ && self->slots_.empty()) self->close();
  });
}

void HttpSession::disarm_read_deadline() {
  ++read_deadline_generation_;
  read_timer_.cancel();
}

void HttpSession::close_after_sending() {
  // Closing with unread request bytes would reset the connection and could destroy the
  // answer in flight; so send FIN first and discard what still arrives, briefly.
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  lingering_ = true;
  const auto generation = ++read_deadline_generation_;
  read_timer_.expires_after(kLingerTime);
  read_timer_.async_wait([self = shared_from_this(), generation](beast::error_code error) {
    if (!error && generation == self->read_deadline_generation_) self->close();
  });
  // A request read still pending sees the end of the stream in on_read instead.
  if (!reading_) {
    reading_ = true;
    discard_until_closed();
  }
}

void HttpSession::discard_until_closed() {
  socket_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code error, std::size_t) {
                            if (self->closed_) return;
                            if (error) {
                              self->close();
                            } else {
                              self->discard_until_closed();
                            }
                          });
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  ++read_deadline_generation_;
  ++write_deadline_generation_;
  read_timer_.cancel();
  write_timer_.cancel();
  for (auto& slot : slots_) {
    if (slot.responder) slot.responder->cancel();
    if (slot.stream) slot.stream->closed();
  }
  slots_.clear();
  beast::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // The server drops its reference; pending handlers still hold one until they return.
  if (on_closed_) on_closed_(this);
}

}  // namespace processhost::host
