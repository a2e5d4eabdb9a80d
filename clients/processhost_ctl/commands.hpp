#pragma once
// The commands of processhost-ctl. Each prints its result to out (a table, or the API's JSON
// with --json) and its problems to err, and returns the exit code.

#include <ostream>

#include "ctl_client.hpp"
#include "ctl_options.hpp"

namespace processhost::ctl {

int run_command(const CtlOptions& options, CtlClient& client, std::ostream& out, std::ostream& err);

}  // namespace processhost::ctl
