#include "cutting_proxy.hpp"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace processhost::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Socket = std::shared_ptr<tcp::socket>;

struct CuttingProxy::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::endpoint target;
  std::atomic<bool> refusing{false};
  std::atomic<std::size_t> forwarded{0};
  std::vector<Socket> open;  // touched on the io thread only
  std::thread thread;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      auto client =
          std::make_shared<tcp::socket>(co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec)));
      if (ec) co_return;
      if (refusing) {
        client->close(ec);
        continue;
      }
      auto upstream = std::make_shared<tcp::socket>(io);
      co_await upstream->async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        client->close(ec);
        continue;
      }
      ++forwarded;
      open.push_back(client);
      open.push_back(upstream);
      asio::co_spawn(io, pipe(client, upstream), asio::detached);
      asio::co_spawn(io, pipe(upstream, client), asio::detached);
    }
  }

  static asio::awaitable<void> pipe(Socket from, Socket to) {
    char buffer[8192];
    for (;;) {
      boost::system::error_code ec;
      const auto n =
          co_await from->async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      co_await asio::async_write(*to, asio::buffer(buffer, n), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    boost::system::error_code ignored;
    from->close(ignored);
    to->close(ignored);
  }
};

CuttingProxy::CuttingProxy(std::uint16_t target_port) : impl_(std::make_unique<Impl>()) {
  impl_->target = tcp::endpoint(asio::ip::make_address("127.0.0.1"), target_port);
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

CuttingProxy::~CuttingProxy() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t CuttingProxy::port() const { return impl_->acceptor.local_endpoint().port(); }

void CuttingProxy::cut() {
  impl_->refusing = true;
  std::promise<void> done;
  asio::post(impl_->io, [&] {
    boost::system::error_code ignored;
    for (auto& socket : impl_->open) socket->close(ignored);
    impl_->open.clear();
    done.set_value();
  });
  done.get_future().wait();
}

void CuttingProxy::pass_again() { impl_->refusing = false; }

std::size_t CuttingProxy::forwarded() const { return impl_->forwarded.load(); }

}  // namespace processhost::testing
