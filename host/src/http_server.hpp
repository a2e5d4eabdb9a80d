#pragma once
// The host's HTTP/1.1 server (Boost.Beast): an acceptor, a pool of I/O threads and one
// HttpSession per connection. Routes come from a RouteTable that may change while the
// server runs. Each I/O thread runs an I/O context of its own and connections are dealt out
// to them in turn: a connection's work then never moves between threads, and the threads do
// not contend for one scheduler (a wake-up per completion handed over from a store or engine
// thread instead of a lock hand-off between I/O threads).

#include <cstdint>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http_shared.hpp"
#include "route_table.hpp"

namespace processhost::host {

class HttpSession;

class HttpServer {
 public:
  // routes and logger must outlive the server.
  HttpServer(const HttpConfig& config, const RouteTable& routes, Logger& logger, std::string server_name);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Throws std::runtime_error
  // "cannot listen on <host>:<port>: <reason>".
  void start();
  // Before start(): upgrade requests on route.path become WebSocket connections.
  void set_websocket_route(WebSocketRoute route);
  // Before start(): every answered request is counted and timed there (outlives the server).
  void set_metrics(HttpMetrics& metrics);
  // Open connections now.
  std::size_t connection_count() const;
  // The bound port (the chosen one when the config says 0). Valid after start().
  std::uint16_t port() const { return port_; }
  // Graceful: stops accepting, lets every connection finish what it has read (up to
  // drainTimeoutMs), then answers what still waits with 503, closes everything and joins
  // the I/O threads. Idempotent; called by the destructor.
  void stop() noexcept;

 private:
  static std::vector<std::unique_ptr<boost::asio::io_context>> make_contexts(unsigned threads);
  static void serve(boost::asio::io_context& context);
  void do_accept();
  std::vector<std::shared_ptr<HttpSession>> live_sessions();
  bool wait_for_sessions(std::chrono::milliseconds timeout);

  const RouteTable& routes_;
  std::shared_ptr<HttpShared> shared_;
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  // One per I/O thread; the first also runs the acceptor.
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> work_;
  std::size_t next_context_ = 0;  // used by the acceptor's handler only
  boost::asio::ip::tcp::acceptor acceptor_;
  std::mutex sessions_mutex_;
  // Owning: a session lives while its connection is open, whether or not I/O is pending.
  std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> sessions_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace processhost::host
