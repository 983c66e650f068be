// spdlog set-up: message IDs first on each line; under systemd (JOURNAL_STREAM set) no
// timestamps and a syslog priority prefix, so journald records the right level.
#pragma once

#include <string>

namespace assist {

void setup_logging(const std::string& level);
void set_log_level(const std::string& level);

}  // namespace assist
