// assistctl user add|list|disable|enable|set|passwd and apikey create|list|revoke
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "context.h"
#include "password_input.h"
#include "util/url.h"

namespace assist::ctl {
namespace {

const std::vector<Column> user_columns = {{"username", "USERNAME"}, {"role", "ROLE"},
                                          {"display_name", "NAME"},  {"disabled", "DISABLED"},
                                          {"has_password", "PASSWORD"}, {"language", "LANGUAGE"},
                                          {"timezone", "TIMEZONE"},  {"created_at", "CREATED"}};

const std::vector<Column> key_columns = {{"id", "ID"},           {"name", "NAME"},
                                         {"role", "ROLE"},       {"user", "USER"},
                                         {"created_at", "CREATED"}, {"last_used_at", "LAST_USED"},
                                         {"revoked_at", "REVOKED"}};

struct UserArgs {
  std::string username, role = "specialist", display_name;
  bool with_password = false;
};

}  // namespace

void add_user_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("user", "Manage console users");
  group->alias("users");
  group->require_subcommand(1);

  auto args = std::make_shared<UserArgs>();
  auto* add = group->add_subcommand("add", "Create a user");
  add->add_option("USERNAME", args->username, "Sign-in name")->required();
  add->add_option("--role", args->role, "admin, supervisor or specialist (default specialist)")
      ->check(CLI::IsMember({"admin", "supervisor", "specialist"}));
  add->add_option("--display-name", args->display_name, "Name shown to customers");
  add->add_flag("--password", args->with_password,
                "Set a password now, read from a prompt or from standard input");
  add->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      nlohmann::json body = {{"username", args->username}, {"role", args->role}};
      if (!args->display_name.empty()) body["display_name"] = args->display_name;
      if (args->with_password) body["password"] = read_new_password(args->username);
      auto answer = ctx.call("POST", "/api/v1/users", body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, user_columns);
      return 0;
    };
  });

  auto* list = group->add_subcommand("list", "List users");
  list->callback([&ctx] {
    ctx.action = [&ctx] {
      print_list(std::cout, ctx.format, ctx.call("GET", "/api/v1/users")["items"], user_columns);
      return 0;
    };
  });

  auto name = std::make_shared<std::string>();
  for (bool disable : {true, false}) {
    auto* cmd = group->add_subcommand(disable ? "disable" : "enable",
                                      disable ? "Disable a user and end their sessions"
                                              : "Enable a disabled user");
    cmd->add_option("USERNAME", *name, "Sign-in name")->required();
    cmd->callback([&ctx, name, disable] {
      ctx.action = [&ctx, name, disable] {
        auto answer = ctx.call("PATCH", "/api/v1/users/" + percent_encode(*name), {{"disabled", disable}});
        if (!ctx.quiet) print_object(std::cout, ctx.format, answer, user_columns);
        return 0;
      };
    });
  }

  auto language = std::make_shared<std::optional<std::string>>();
  auto timezone = std::make_shared<std::optional<std::string>>();
  auto* set = group->add_subcommand("set", "Set a user's console language and time zone");
  set->add_option("USERNAME", *name, "Sign-in name")->required();
  set->add_option("--language", *language, "en or fr; \"\" for the browser's")
      ->check(CLI::IsMember({"", "en", "fr"}));
  set->add_option("--timezone", *timezone, "IANA time zone the console shows times in, e.g. Europe/Paris; "
                                           "\"\" for notify.timezone");
  set->callback([&ctx, name, language, timezone] {
    if (!*language && !*timezone) throw CLI::ValidationError("user set", "give --language, --timezone or both");
    ctx.action = [&ctx, name, language, timezone] {
      nlohmann::json body = nlohmann::json::object();
      if (*language) body["language"] = **language;
      if (*timezone) body["timezone"] = **timezone;
      auto answer = ctx.call("PATCH", "/api/v1/users/" + percent_encode(*name), body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, user_columns);
      return 0;
    };
  });

  auto* passwd = group->add_subcommand(
      "passwd", "Set a user's password, read from a prompt or from standard input; ends their sessions");
  passwd->add_option("USERNAME", *name, "Sign-in name")->required();
  passwd->callback([&ctx, name] {
    ctx.action = [&ctx, name] {
      ctx.call("PATCH", "/api/v1/users/" + percent_encode(*name), {{"password", read_new_password(*name)}});
      if (!ctx.quiet) std::cerr << "password changed for " << *name << "\n";
      return 0;
    };
  });
}

void add_api_key_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("apikey", "Manage API keys for integrations");
  group->alias("apikeys");
  group->require_subcommand(1);

  struct KeyArgs {
    std::string name, user, role;
  };
  auto args = std::make_shared<KeyArgs>();
  auto* create = group->add_subcommand(
      "create", "Create a key and print it once (only its hash is kept)");
  create->add_option("--name", args->name, "What the key is for")->required();
  create->add_option("--user", args->user, "Act as this user, with their role");
  create->add_option("--role", args->role, "Role of a key without --user: admin (default) or supervisor")
      ->check(CLI::IsMember({"admin", "supervisor"}));
  create->callback([&ctx, args] {
    ctx.action = [&ctx, args] {
      nlohmann::json body = {{"name", args->name}};
      if (!args->user.empty()) body["user"] = args->user;
      if (!args->role.empty()) body["role"] = args->role;
      auto answer = ctx.call("POST", "/api/v1/api-keys", body);
      if (ctx.format == Format::table) {
        std::cout << answer["key"].get<std::string>() << "\n";
        if (!ctx.quiet) std::cerr << "Store this key now: it cannot be shown again.\n";
      } else {
        auto columns = key_columns;
        columns.push_back({"key", "KEY"});
        print_object(std::cout, ctx.format, answer, columns);
      }
      return 0;
    };
  });

  auto* list = group->add_subcommand("list", "List keys (never their secrets)");
  list->callback([&ctx] {
    ctx.action = [&ctx] {
      print_list(std::cout, ctx.format, ctx.call("GET", "/api/v1/api-keys")["items"], key_columns);
      return 0;
    };
  });

  auto id = std::make_shared<std::int64_t>(0);
  auto* revoke = group->add_subcommand("revoke", "Revoke a key at once");
  revoke->add_option("ID", *id, "Key id from 'apikey list'")->required()->check(CLI::PositiveNumber);
  revoke->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      ctx.call("DELETE", "/api/v1/api-keys/" + std::to_string(*id));
      if (!ctx.quiet) std::cerr << "API key " << *id << " revoked\n";
      return 0;
    };
  });
}

}  // namespace assist::ctl
