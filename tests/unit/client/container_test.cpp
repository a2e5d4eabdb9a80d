#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "container.hpp"

namespace processhost::client::examples {
namespace {

struct Log {
  std::vector<std::string> lines;
};

struct Transport {
  Transport(std::shared_ptr<Log> log) : log_(std::move(log)) { log_->lines.push_back("transport made"); }
  ~Transport() { log_->lines.push_back("transport gone"); }
  std::shared_ptr<Log> log_;
};

struct Client {
  Client(Transport& transport, std::shared_ptr<Log> log) : transport_(transport), log_(std::move(log)) {
    log_->lines.push_back("client made");
  }
  ~Client() { log_->lines.push_back("client gone"); }
  Transport& transport_;
  std::shared_ptr<Log> log_;
};

struct A {};
struct B {};

TEST(Container, MakesEachPartOnceWithItsDependencies) {
  auto log = std::make_shared<Log>();
  {
    Container container;
    container.register_instance("log", log);
    container.register_singleton<Client>("client", [](Container& c) {
      return std::make_shared<Client>(*c.resolve<Transport>(), c.resolve<Log>());
    });
    container.register_singleton<Transport>("transport",
                                            [](Container& c) { return std::make_shared<Transport>(c.resolve<Log>()); });
    auto first = container.resolve<Client>();
    auto second = container.resolve<Client>();
    EXPECT_EQ(first.get(), second.get());
    EXPECT_EQ(&first->transport_, container.resolve<Transport>().get());
  }
  EXPECT_EQ(log->lines, (std::vector<std::string>{"transport made", "client made", "client gone", "transport gone"}));
}

TEST(Container, NamesWhatIsMissingAndWhoNeedsIt) {
  Container container;
  container.register_singleton<A>("a", [](Container& c) {
    c.resolve<B>();
    return std::make_shared<A>();
  });
  try {
    container.resolve<A>();
    FAIL() << "resolve must throw";
  } catch (const ResolutionError& error) {
    EXPECT_NE(std::string(error.what()).find("needed by 'a'"), std::string::npos) << error.what();
  }
}

TEST(Container, ReportsACycleWithItsChain) {
  Container container;
  container.register_singleton<A>("a", [](Container& c) {
    c.resolve<B>();
    return std::make_shared<A>();
  });
  container.register_singleton<B>("b", [](Container& c) {
    c.resolve<A>();
    return std::make_shared<B>();
  });
  try {
    container.resolve<A>();
    FAIL() << "resolve must throw";
  } catch (const ResolutionError& error) {
    EXPECT_EQ(std::string(error.what()), "dependency cycle: a -> b -> a");
  }
}

TEST(Container, AFactoryThatFailsCanBeRetried) {
  Container container;
  int attempts = 0;
  container.register_singleton<A>("a", [&](Container&) {
    if (++attempts == 1) throw std::runtime_error("host not up yet");
    return std::make_shared<A>();
  });
  EXPECT_THROW(container.resolve<A>(), std::runtime_error);
  EXPECT_NE(container.resolve<A>(), nullptr);
  EXPECT_EQ(attempts, 2);
}

TEST(Container, RejectsNullFromAFactory) {
  Container container;
  container.register_singleton<A>("a", [](Container&) { return std::shared_ptr<A>(); });
  EXPECT_THROW(container.resolve<A>(), ResolutionError);
}

}  // namespace
}  // namespace processhost::client::examples
