// assistd's life: load configuration, open the store, serve, reload on SIGHUP, stop on
// SIGTERM/SIGINT.
#pragma once

#include <string>

namespace assist {

struct DaemonOptions {
  std::string config_path;
  bool config_path_given = false;  // a missing default file means "built-in defaults"
};

// Returns the process exit code.
int run_daemon(const DaemonOptions& options);

// `assistd --check-config`: prints FILE:LINE: message per error; 0 when valid, 78 otherwise.
int check_config(const DaemonOptions& options);

}  // namespace assist
