#pragma once
// The notifications, shared with the Management API (plugin_common/notifications), under the
// names the Consumer API's code uses.

#include "plugin_common/notifications/notification_events.hpp"

namespace processhost::plugins::consumer_api {

using notifications::Notification;
using notifications::notification_kind;
using notifications::NotificationKind;
using notifications::NotificationTranslator;

}  // namespace processhost::plugins::consumer_api
