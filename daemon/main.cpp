// assistd: the assist daemon.
#include <CLI/CLI.hpp>

#include <iostream>

#include "config/schema.h"
#include "daemon.h"

int main(int argc, char** argv) {
  CLI::App app{
      "assistd serves assist's web pages, REST API and control socket.\n"
      "Configuration: assistd.yaml(5). Operator CLI: assistctl(1).",
      "assistd"};
  assist::DaemonOptions options{"/etc/assist/assistd.yaml", false};
  bool check = false;
  bool version = false;
  bool keys = false;
  app.add_option("-c,--config", options.config_path,
                 "Configuration file (default /etc/assist/assistd.yaml; built-in defaults when "
                 "that file does not exist)");
  app.add_flag("--check-config", check,
               "Validate the configuration and exit: 0 when valid, 78 with FILE:LINE: message "
               "lines otherwise. Opens no socket and no database.");
  app.add_flag("--config-keys", keys, "List every configuration key with its default and exit");
  app.add_flag("--version", version, "Print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 64;
  }
  options.config_path_given = app.count("--config") > 0;
  if (version) {
    std::cout << "assistd " << ASSIST_VERSION << "\n";
    return 0;
  }
  if (keys) {
    for (const auto& key : assist::config_schema())
      std::cout << key.path << " = " << key.default_yaml << "\n    " << key.description
                << (key.reload == assist::Reload::live ? " (reloads live)" : " (needs a restart)")
                << "\n";
    return 0;
  }
  if (check) return assist::check_config(options);
  return assist::run_daemon(options);
}
