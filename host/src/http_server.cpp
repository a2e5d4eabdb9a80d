#include "http_server.hpp"

#include <algorithm>
#include <future>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "http_session.hpp"
#include "processhost/free_memory.hpp"

namespace processhost::host {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(const HttpConfig& config, const RouteTable& routes, Logger& logger, std::string server_name)
    : routes_(routes),
      shared_(std::make_shared<HttpShared>(config, logger, std::move(server_name))),
      contexts_(make_contexts(config.threads)),
      acceptor_(asio::make_strand(*contexts_.front())) {}

HttpServer::~HttpServer() { stop(); }

std::vector<std::unique_ptr<asio::io_context>> HttpServer::make_contexts(unsigned threads) {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (unsigned i = 0; i < std::max(threads, 1u); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  return contexts;
}

void HttpServer::set_websocket_route(WebSocketRoute route) { shared_->websocket_route = std::move(route); }

void HttpServer::set_metrics(HttpMetrics& metrics) { shared_->metrics = &metrics; }

std::size_t HttpServer::connection_count() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->sessions;
}

void HttpServer::start() {
  const auto& config = shared_->config;
  const auto fail = [&](const std::string& step, const boost::system::error_code& error) {
    throw std::runtime_error("cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + step +
                             ": " + error.message());
  };
  boost::system::error_code error;
  const auto address = asio::ip::make_address(config.host, error);
  if (error) fail("address", error);
  const tcp::endpoint endpoint(address, config.port);
  acceptor_.open(endpoint.protocol(), error);
  if (error) fail("open", error);
  acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (error) fail("set_option", error);
  acceptor_.bind(endpoint, error);
  if (error) fail("bind", error);
  acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) fail("listen", error);
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  for (auto& context : contexts_) work_.emplace_back(context->get_executor());
  do_accept();
  for (auto& context : contexts_) {
    threads_.emplace_back([context = context.get()] { serve(*context); });
  }
}

// Runs the context in one-second rounds: after a round without any handler that followed
// one with work, the thread gives what it freed back to the system, so the memory of a
// burst of large requests does not stay with idle I/O threads.
void HttpServer::serve(asio::io_context& context) {
  bool worked_since_release = false;
  while (!context.stopped()) {
    if (context.run_for(std::chrono::seconds(1)) > 0) {
      worked_since_release = true;
    } else if (worked_since_release) {
      release_free_memory();
      worked_since_release = false;
    }
  }
}

void HttpServer::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  auto& context = *contexts_[next_context_++ % contexts_.size()];
  acceptor_.async_accept(asio::make_strand(context), [this](boost::system::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      auto session = std::make_shared<HttpSession>(std::move(socket), routes_, shared_, [this](HttpSession* closed) {
        std::lock_guard lock(sessions_mutex_);
        sessions_.erase(closed);
      });
      {
        std::lock_guard lock(sessions_mutex_);
        sessions_.emplace(session.get(), session);
      }
      session->start();
    } else {
      shared_->logger.warn("accept failed: " + error.message());
    }
    do_accept();
  });
}

std::vector<std::shared_ptr<HttpSession>> HttpServer::live_sessions() {
  std::vector<std::shared_ptr<HttpSession>> live;
  std::lock_guard lock(sessions_mutex_);
  for (const auto& entry : sessions_) live.push_back(entry.second);
  return live;
}

bool HttpServer::wait_for_sessions(std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mutex);
  return shared_->sessions_changed.wait_for(lock, timeout, [this] { return shared_->sessions == 0; });
}

void HttpServer::stop() noexcept {
  if (!started_ || stopped_) return;
  stopped_ = true;
  std::promise<void> closed;
  asio::post(acceptor_.get_executor(), [this, &closed] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();

  for (auto& session : live_sessions()) session->drain();
  if (!wait_for_sessions(shared_->config.drain_timeout)) {
    shared_->logger.warn("drain timeout: answering waiting requests with 503");
    for (auto& session : live_sessions()) session->force_close();
    wait_for_sessions(std::chrono::milliseconds(1000) + shared_->config.write_timeout / 10);
  }
  {
    std::lock_guard lock(shared_->mutex);
    shared_->alive = false;
  }
  work_.clear();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  // Sessions still open go now, while the I/O context their sockets belong to exists.
  std::unordered_map<HttpSession*, std::shared_ptr<HttpSession>> remaining;
  {
    std::lock_guard lock(sessions_mutex_);
    remaining.swap(sessions_);
  }
  remaining.clear();
}

}  // namespace processhost::host
