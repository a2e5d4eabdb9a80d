// The iam plugin's entry symbol and descriptor.

#include <new>

#include "iam_config.hpp"
#include "iam_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::iam {
namespace {

constexpr const char* kProvides[] = {"processhost.identity/1", nullptr};
constexpr const char* kRequires[] = {nullptr};

static_assert(IdentityService::kServiceId == std::string_view("processhost.identity/1"));

Plugin* create(HostContext&) { return new IamPlugin(); }

void destroy(Plugin* plugin) noexcept { delete plugin; }

const PluginDescriptor kDescriptor{
    kPluginApiVersion, PROCESSHOST_ABI_TAG, "iam", "0.1.0", kProvides, kRequires, kIamConfigSchema, &create, &destroy,
};

}  // namespace
}  // namespace processhost::plugins::iam

PROCESSHOST_PLUGIN(processhost::plugins::iam::kDescriptor)
