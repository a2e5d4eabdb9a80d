// basic_client: the sample script with every part built by hand, in the order they depend
// on each other: URL -> HTTP transport -> login client -> identity (and what the host offers)
// -> Consumer API client, notification source.
#include <iostream>

#include "client_config.hpp"
#include "processhost/client/consumer_api_client.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/iam_client.hpp"
#include "sample_script.hpp"

namespace client = processhost::client;
namespace examples = processhost::client::examples;

int main(int argc, char** argv) {
  examples::StepPrinter printer(std::cout, "basic_client");
  auto command_line = examples::parse_command_line(argc, argv);
  if (!command_line || command_line->config_file) {
    std::cerr << (command_line ? "basic_client takes no config file" : command_line.error().message) << "\n"
              << examples::usage("basic_client", false);
    return 2;
  }
  if (command_line->help) {
    std::cout << examples::usage("basic_client", false);
    return 0;
  }
  examples::ClientConfig config;
  config.credentials = client::Credentials{"sampleUser", "pass"};
  examples::apply_overrides(*command_line, config);

  auto url = client::BaseUrl::parse(config.url);
  if (!url) {
    printer.failure(url.error());
    return 1;
  }
  client::BeastHttpTransport transport(*url, config.transport);
  client::IamClient iam(transport);
  client::HostCapabilities host;
  auto identity = examples::establish_identity(transport, iam, config.credentials, printer, &host);
  if (!identity) {
    printer.failure(identity.error());
    return 1;
  }
  client::ConsumerApiClient consumer_api(transport);
  auto notifications = examples::choose_notifications(host, *url, config.wait_for, printer);
  auto result = examples::run_sample(consumer_api, notifications.get(), *identity, config.wait, printer);
  if (!result) {
    printer.failure(result.error());
    return 1;
  }
  return 0;
}
