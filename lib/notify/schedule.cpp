#include "notify/schedule.h"

#include <algorithm>

namespace assist {
std::optional<std::int64_t> current_reminder_offset(UnixSeconds starts_at,
                                                    std::vector<std::int64_t> offsets,
                                                    UnixSeconds now) {
  if (now >= starts_at) return std::nullopt;
  std::sort(offsets.begin(), offsets.end());
  for (auto offset : offsets)
    if (now >= starts_at - offset) return offset;
  return std::nullopt;
}

UnixSeconds reminder_send_time(UnixSeconds now, UnixSeconds starts_at,
                               const std::optional<QuietHours>& quiet, const TimeZone& zone) {
  if (!quiet) return now;
  const auto deferred = defer_past_quiet_hours(now, *quiet, zone);
  return deferred < starts_at ? deferred : now;
}

}  // namespace assist
