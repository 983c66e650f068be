// When notifications go out: which reminders are due, and when, given quiet hours.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/quiet_hours.h"
#include "util/time.h"

namespace assist {

// The one reminder offset (seconds before the start) that is current at `now`, if any: the
// smallest offset whose time has come. An appointment created 30 minutes ahead gets only its
// 1h reminder, never a late 24h one as well.
std::optional<std::int64_t> current_reminder_offset(UnixSeconds starts_at,
                                                    std::vector<std::int64_t> offsets,
                                                    UnixSeconds now);

// When a reminder found due at `now` should go out: after quiet hours, unless that would be
// after the start itself (a reminder after the fact is useless; an early one is tolerable).
UnixSeconds reminder_send_time(UnixSeconds now, UnixSeconds starts_at,
                               const std::optional<QuietHours>& quiet, const TimeZone& zone);

}  // namespace assist
