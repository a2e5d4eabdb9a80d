// The iam plugin's entry symbol and descriptor.

#include "iam_config.hpp"
#include "iam_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::iam {

PROCESSHOST_PLUGIN(.name = "iam",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .provides = service_ids<IdentityService>,
                   .config_schema = kIamConfigSchema,
                   .create = &create_plugin<IamPlugin>)

}  // namespace processhost::plugins::iam
