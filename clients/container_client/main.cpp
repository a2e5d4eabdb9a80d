// container_client: the sample script with its parts resolved from a small IoC container
// (examples/container.hpp), configured from config/demo/client.json. Each part is
// registered with a factory naming what it needs; resolving the Consumer API client and
// the identity builds the transport, the login client and the login on demand.
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "client_config.hpp"
#include "container.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/iam_client.hpp"
#include "sample_script.hpp"

namespace client = processhost::client;
namespace examples = processhost::client::examples;

namespace {

// Carries a ClientError out of a factory; resolving is control plane and may throw.
class StepFailed : public std::runtime_error {
 public:
  explicit StepFailed(client::ClientError error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const client::ClientError& error() const { return error_; }

 private:
  client::ClientError error_;
};

struct HostSession {
  client::HostCapabilities host;
  client::Identity identity;
};

std::filesystem::path default_config_file() {
  std::filesystem::path relative = "config/demo/client.json";
  if (std::filesystem::exists(relative)) return relative;
  return std::filesystem::path(PROCESSHOST_SOURCE_DIR) / relative;
}

void register_parts(examples::Container& container, std::ostream& out) {
  container.register_singleton<examples::StepPrinter>(
      "step_printer", [&out](examples::Container&) { return std::make_shared<examples::StepPrinter>(out, "container_client"); });
  container.register_singleton<client::HttpTransport>("http_transport", [](examples::Container& c) {
    auto config = c.resolve<examples::ClientConfig>();
    auto url = client::BaseUrl::parse(config->url);
    if (!url) throw StepFailed(url.error());
    return std::make_shared<client::BeastHttpTransport>(*url, config->transport);
  });
  container.register_singleton<client::IamClient>("iam_client", [](examples::Container& c) {
    return std::make_shared<client::IamClient>(*c.resolve<client::HttpTransport>());
  });
  // Discovery and login are one step (the host is asked once): the identity and what the
  // host offers are parts of one session.
  container.register_singleton<HostSession>("host_session", [](examples::Container& c) {
    auto session = std::make_shared<HostSession>();
    auto identity =
        examples::establish_identity(*c.resolve<client::HttpTransport>(), *c.resolve<client::IamClient>(),
                                     c.resolve<examples::ClientConfig>()->credentials,
                                     *c.resolve<examples::StepPrinter>(), &session->host);
    if (!identity) throw StepFailed(identity.error());
    session->identity = std::move(identity).value();
    return session;
  });
  container.register_singleton<client::Identity>("identity", [](examples::Container& c) {
    auto session = c.resolve<HostSession>();
    return std::shared_ptr<client::Identity>(session, &session->identity);
  });
  container.register_singleton<client::HostCapabilities>("host_capabilities", [](examples::Container& c) {
    auto session = c.resolve<HostSession>();
    return std::shared_ptr<client::HostCapabilities>(session, &session->host);
  });
  container.register_singleton<client::ConsumerApiClient>("consumer_api_client", [](examples::Container& c) {
    return std::make_shared<client::ConsumerApiClient>(*c.resolve<client::HttpTransport>());
  });
}

}  // namespace

int main(int argc, char** argv) {
  examples::StepPrinter printer(std::cout, "container_client");
  auto command_line = examples::parse_command_line(argc, argv);
  if (!command_line) {
    std::cerr << command_line.error().message << "\n" << examples::usage("container_client", true);
    return 2;
  }
  if (command_line->help) {
    std::cout << examples::usage("container_client", true);
    return 0;
  }
  const auto config_file = command_line->config_file.value_or(default_config_file());
  auto config = examples::read_client_config(config_file);
  if (!config) {
    printer.failure(config.error());
    return 1;
  }
  examples::apply_overrides(*command_line, *config);
  printer.step("config: " + config_file.string());

  examples::Container container;
  container.register_instance("client_config", std::make_shared<examples::ClientConfig>(std::move(config).value()));
  register_parts(container, std::cout);
  try {
    auto consumer_api = container.resolve<client::ConsumerApiClient>();
    auto identity = container.resolve<client::Identity>();
    auto config_part = container.resolve<examples::ClientConfig>();
    auto step_printer = container.resolve<examples::StepPrinter>();
    // Not a container part: a host without a notification channel has none (nullptr).
    auto notifications =
        examples::choose_notifications(*container.resolve<client::HostCapabilities>(),
                                       container.resolve<client::HttpTransport>()->base_url(), config_part->wait_for,
                                       *step_printer);
    auto result = examples::run_sample(*consumer_api, notifications.get(), *identity, config_part->wait, *step_printer);
    if (!result) {
      printer.failure(result.error());
      return 1;
    }
  } catch (const StepFailed& failed) {
    printer.failure(failed.error());
    return 1;
  } catch (const examples::ResolutionError& error) {
    std::cout << "[container_client] failed: wiring error: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
