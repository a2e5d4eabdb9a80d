#pragma once
// processhost-ctl's connection to one host: the HTTP transport of the client library, the
// caller's token (given, or from logging in through iam), and every answer turned into the
// body or a failure with the exit code it deserves.

#include <memory>
#include <string>

#include "ctl_options.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/result.hpp"

namespace processhost::ctl {

struct CtlFailure {
  int exit_code = kRefused;
  std::string message;
};

template <class T>
using CtlResult = processhost::Result<T, CtlFailure>;

class CtlClient {
 public:
  // Parses the URL and, with --user/--password, logs in.
  static CtlResult<std::unique_ptr<CtlClient>> connect(const CtlOptions& options);

  // The body of a 2xx answer to method target (JSON body when not empty).
  CtlResult<std::string> call(const std::string& method, const std::string& target, const std::string& body = {});

  const client::BaseUrl& base_url() const { return transport_->base_url(); }
  const std::string& authorization() const { return authorization_; }

 private:
  CtlClient(std::unique_ptr<client::HttpTransport> transport, std::string authorization);

  std::unique_ptr<client::HttpTransport> transport_;
  std::string authorization_;  // "Bearer <token>", or empty without a token
};

}  // namespace processhost::ctl
