#pragma once
// One HTTP/1.1 connection, owned by the server until it closes (a handler that waits holds
// only a weak reference through its responder). Owns the socket, the read buffer and the parser; reads the next
// request while earlier ones are answered (at most pipelineLimit unanswered) and writes
// the answers in request order. Every member runs on the session's strand; the public
// functions are safe from any thread.
//
// An answer may be a stream (http_session_stream.cpp): its head, then chunks as the handler
// writes them, in its place in the request order. A request that asks to upgrade on the
// server's WebSocket route hands the socket to a WebSocketSession and ends this session.
//
// Timeouts: while nothing is pending, the next request must arrive whole within
// readTimeoutMs (idle keep-alive and slow senders alike); each write must finish within
// writeTimeoutMs. A waiting handler is never timed out by the session.

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "http_responder.hpp"
#include "http_response_stream.hpp"
#include "http_shared.hpp"
#include "request_target.hpp"
#include "route_table.hpp"

namespace processhost::host {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // on_closed runs once, on the strand, when the connection is closed.
  HttpSession(boost::asio::ip::tcp::socket socket, const RouteTable& routes, std::shared_ptr<HttpShared> shared,
              std::function<void(HttpSession*)> on_closed);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();
  // Stop reading; answer what was read; then close.
  void drain();
  // Cancel waiting handlers, answer them 503, then close.
  void force_close();
  // The answer to request slot_id (from a responder, any thread).
  void deliver(std::uint64_t slot_id, HttpResponse response);
  // A streamed answer to slot_id: head first, then the stream's pieces (any thread).
  void deliver_stream(std::uint64_t slot_id, HttpResponse head, std::shared_ptr<SessionStream> stream);
  void stream_write(std::uint64_t slot_id, std::string bytes);
  void stream_end(std::uint64_t slot_id);
  // The stream's client is too slow: the connection closes.
  void abort_stream(std::uint64_t slot_id);

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  struct Slot {
    std::uint64_t id = 0;
    bool keep_alive = true;
    unsigned version = 11;
    std::optional<HttpResponse> response;
    std::shared_ptr<SessionResponder> responder;
    // A streamed answer: its head is `response`; pieces follow until it ends.
    std::shared_ptr<SessionStream> stream;
    std::deque<std::string> pieces;
    bool head_sent = false;
    bool stream_ended = false;
  };

  void do_read();
  void on_header(boost::beast::error_code error);
  void on_read(boost::beast::error_code error);
  // Answers a failed read when it can still be answered; false when the error is none.
  bool read_failed(boost::beast::error_code error);
  void refuse_and_close(HttpResponse response);
  void handle_request(Request request);
  // Whether request asks to become a WebSocket on the server's WebSocket route.
  bool wants_websocket(const Request& request, std::string_view raw_path) const;
  // Hands the socket to a WebSocketSession; this session ends without closing it.
  void upgrade(Request request, HttpRequest converted);
  void answer_now(bool keep_alive, unsigned version, HttpResponse response);
  void do_write();
  void on_write(boost::beast::error_code error, bool close_after);
  // The front slot is a stream: its head, its next piece, or its last chunk.
  void write_stream(Slot& slot, bool close_after);
  void on_stream_write(boost::beast::error_code error, std::size_t piece_bytes, bool finished, bool close_after);
  void arm_write_deadline();
  Slot* find_slot(std::uint64_t slot_id);
  void arm_read_deadline();
  void disarm_read_deadline();
  void close_after_sending();
  void discard_until_closed();
  void close();

  std::function<void(HttpSession*)> on_closed_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer read_timer_;
  boost::asio::steady_timer write_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::size_t body_limit_ = 0;  // of the request being read: its route's or the host's
  RequestTarget target_;        // of the request being read, parsed from its header
  std::chrono::steady_clock::time_point arrived_;  // when that request's header was read
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> out_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_serializer_;
  std::string piece_;  // the stream piece being written
  const RouteTable& routes_;
  std::shared_ptr<HttpShared> shared_;
  std::string remote_address_;
  std::array<char, 4096> discard_{};
  std::deque<Slot> slots_;
  std::uint64_t next_slot_id_ = 1;
  std::uint64_t read_deadline_generation_ = 0;
  std::uint64_t write_deadline_generation_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool read_closed_ = false;
  bool draining_ = false;
  bool lingering_ = false;
  bool closed_ = false;
};

}  // namespace processhost::host
