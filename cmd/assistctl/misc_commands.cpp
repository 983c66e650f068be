// assistctl status, config check, audit list|verify
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "config/config.h"
#include "context.h"

namespace assist::ctl {

void add_status_commands(CLI::App& app, Context& ctx) {
  auto* status = app.add_subcommand("status", "Show the daemon's version, uptime and appointment counts");
  status->callback([&ctx] {
    ctx.action = [&ctx] {
      auto s = ctx.call("GET", "/api/v1/status");
      if (ctx.format == Format::json) {
        std::cout << s.dump(2) << "\n";
        return 0;
      }
      nlohmann::json flat = s;
      for (const auto& [state, n] : s["appointments"].items()) flat["appointments." + state] = n;
      std::vector<Column> columns = {{"version", "version"}, {"started_at", "started_at"},
                                     {"uptime_seconds", "uptime_seconds"},
                                     {"schema_version", "schema_version"}, {"database", "database"}};
      for (const auto& [state, n] : s["appointments"].items())
        columns.push_back({"appointments." + state, "appointments." + state});
      print_object(std::cout, ctx.format, flat, columns);
      return 0;
    };
  });

  auto* config = app.add_subcommand("config", "Work with assistd's configuration file");
  config->require_subcommand(1);
  auto path = std::make_shared<std::string>("/etc/assist/assistd.yaml");
  auto* check = config->add_subcommand(
      "check", "Validate a configuration file without contacting the daemon (exit 78 when invalid)");
  auto* path_option = check->add_option(
      "-c,--config", *path,
      "File to check (default /etc/assist/assistd.yaml; like assistd, built-in defaults when that "
      "file does not exist)");
  check->callback([&ctx, path, path_option] {
    ctx.action = [&ctx, path, path_option] {
      if (path_option->count() == 0 && !std::filesystem::exists(*path)) {
        if (!ctx.quiet) std::cout << "no " << *path << ": assistd would use its built-in defaults\n";
        return 0;
      }
      auto result = load_config_file(*path);
      for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
      if (!result.config) return exit_config;
      if (!ctx.quiet) std::cout << *path << ": configuration is valid\n";
      return 0;
    };
  });
}

void add_audit_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("audit", "Read and verify the tamper-evident audit log");
  group->require_subcommand(1);
  struct Args {
    std::string object_type, object_id, action;
    std::size_t limit = 1000;
  };
  auto args = std::make_shared<Args>();
  auto* list = group->add_subcommand("list", "List audit events, oldest first");
  list->add_option("--object-type", args->object_type, "appointment, user, api_key, queue");
  list->add_option("--object-id", args->object_id, "Id (or name) of the object");
  list->add_option("--action", args->action, "e.g. appointment.cancelled");
  list->add_option("--limit", args->limit, "At most this many (default 1000)")->check(CLI::PositiveNumber);
  list->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      auto items = ctx.fetch_list("/api/v1/audit" + query_string({{"object_type", args->object_type},
                                                                  {"object_id", args->object_id},
                                                                  {"action", args->action}}),
                                  args->limit);
      for (auto& item : items) item["details"] = item["details"].dump();
      print_list(std::cout, ctx.format, items,
                 {{"seq", "SEQ"}, {"at", "AT"}, {"actor", "ACTOR"}, {"action", "ACTION"},
                  {"object_type", "TYPE"}, {"object_id", "OBJECT"}, {"details", "DETAILS"}});
      return 0;
    };
  });
  auto* verify = group->add_subcommand(
      "verify", "Check the hash chain; exit 65 if any event was altered, removed or reordered");
  verify->callback([&ctx] {
    ctx.action = [&ctx] {
      auto v = ctx.call("GET", "/api/v1/audit/verify");
      if (ctx.format == Format::json)
        std::cout << v.dump(2) << "\n";
      else if (v["ok"].get<bool>())
        std::cout << "audit chain intact: " << v["events"] << " events\n";
      else
        std::cout << "audit chain BROKEN at event " << v["first_bad_seq"] << ": "
                  << v["problem"].get<std::string>() << "\n";
      return v["ok"].get<bool>() ? 0 : exit_data;
    };
  });
}

}  // namespace assist::ctl
