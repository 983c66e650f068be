// assistctl queue list|show|create|update|assign|open|close
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "context.h"

namespace assist::ctl {
namespace {

const std::vector<Column> queue_columns = {{"slug", "SLUG"},        {"name", "NAME"},
                                           {"status.state", "STATE"}, {"status.waiting", "WAITING"},
                                           {"hours", "HOURS"},      {"timezone", "TIMEZONE"},
                                           {"recording_mode", "RECORDING"},
                                           {"members", "MEMBERS"},  {"entry_url", "ENTRY_URL"}};
const std::vector<Column> waiting_columns = {{"position", "POSITION"}, {"appointment_id", "APPOINTMENT"},
                                             {"customer_name", "CUSTOMER"}, {"waited", "WAITED"}};

// Nested members ("status.state") and lists ("members") as printable text.
nlohmann::json flat(const nlohmann::json& queue) {
  nlohmann::json out = queue;
  for (const auto& [key, value] : queue["status"].items()) out["status." + key] = value;
  std::string members;
  for (const auto& m : queue["members"]) members += (members.empty() ? "" : " ") + m.get<std::string>();
  out["members"] = members;
  return out;
}

std::string minutes(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + "s";
  return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
}

void print_queue(const Context& ctx, const nlohmann::json& queue) {
  if (ctx.quiet) return;
  if (ctx.format == Format::json) {
    std::cout << queue.dump(2) << "\n";
    return;
  }
  print_object(std::cout, ctx.format, flat(queue), queue_columns);
}

struct Fields {
  std::string name, description, hours, timezone;
  bool clear_hours = false;
  int max_waiting = 0;
  std::string recording_mode;
};

void add_field_options(CLI::App* command, Fields& f) {
  command->add_option("--description", f.description, "What the queue is for (shown on its entry page)");
  command->add_option("--hours", f.hours,
                      "Opening hours, e.g. 'mon-fri 09:00-17:00; sat 10:00-12:30' (default: always open)");
  command->add_option("--timezone", f.timezone, "IANA time zone of the hours, e.g. Europe/Paris (default UTC)");
  command->add_option("--max-waiting", f.max_waiting, "Most customers waiting at once (default 50)")
      ->check(CLI::Range(1, 10000));
  command->add_option("--recording", f.recording_mode,
                      "Recording of this queue's calls: off, on_demand, always, or default (the server's\n"
                      "recording.mode; the default)")
      ->check(CLI::IsMember({"default", "off", "on_demand", "always"}));
}

nlohmann::json body_of(const Fields& f) {
  nlohmann::json body = nlohmann::json::object();
  if (!f.name.empty()) body["name"] = f.name;
  if (!f.description.empty()) body["description"] = f.description;
  if (!f.hours.empty()) body["hours"] = f.hours;
  if (f.clear_hours) body["hours"] = "";
  if (!f.timezone.empty()) body["timezone"] = f.timezone;
  if (f.max_waiting) body["max_waiting"] = f.max_waiting;
  if (!f.recording_mode.empty()) body["recording_mode"] = f.recording_mode;
  return body;
}

std::string queue_path(const std::string& slug) { return "/api/v1/queues/" + slug; }

}  // namespace

void add_queue_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand(
      "queue",
      "Manage on-demand queues: customers enter one at its public link /q/SLUG and wait in line\n"
      "until a specialist who serves it takes them (the console's \"Take next\").");
  group->alias("queues");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "List queues with their state and how many wait");
  list->callback([&ctx] {
    ctx.action = [&ctx] {
      const auto items = ctx.call("GET", "/api/v1/queues")["items"];
      if (ctx.format == Format::json) {
        std::cout << items.dump(2) << "\n";
        return 0;
      }
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& q : items) rows.push_back(flat(q));
      print_list(std::cout, ctx.format, rows, queue_columns);
      return 0;
    };
  });

  auto slug = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show a queue and who waits in it, for how long");
  show->add_option("SLUG", *slug, "The queue's slug (its link /q/SLUG)")->required();
  show->callback([&ctx, slug] {
    ctx.action = [&ctx, slug] {
      const auto q = ctx.call("GET", queue_path(*slug));
      if (ctx.format == Format::json) {
        std::cout << q.dump(2) << "\n";
        return 0;
      }
      print_object(std::cout, ctx.format, flat(q), queue_columns);
      nlohmann::json rows = nlohmann::json::array();
      for (auto w : q["waiting_customers"]) {
        w["waited"] = minutes(w["waited_seconds"].get<std::int64_t>());
        rows.push_back(w);
      }
      std::cout << "\n";
      if (rows.empty() && ctx.format == Format::table) std::cout << "nobody is waiting\n";
      else print_list(std::cout, ctx.format, rows, waiting_columns);
      return 0;
    };
  });

  auto created = std::make_shared<Fields>();
  auto new_slug = std::make_shared<std::string>();
  auto* create = group->add_subcommand("create", "Create a queue");
  create->alias("add");
  create->add_option("NAME", created->name, "Queue name, e.g. \"Roadside help\"")->required();
  create->add_option("--slug", *new_slug, "Its link /q/SLUG (default: made from the name, e.g. roadside-help)");
  add_field_options(create, *created);
  create->callback([&ctx, created, new_slug] {
    ctx.action = [&ctx, created, new_slug] {
      auto body = body_of(*created);
      if (!new_slug->empty()) body["slug"] = *new_slug;
      print_queue(ctx, ctx.call("POST", "/api/v1/queues", body));
      return 0;
    };
  });

  auto changed = std::make_shared<Fields>();
  auto* update = group->add_subcommand("update", "Change a queue's name, description, hours or length");
  update->add_option("SLUG", *slug, "The queue's slug")->required();
  update->add_option("--name", changed->name, "New name");
  add_field_options(update, *changed);
  update->add_flag("--always-open", changed->clear_hours, "Remove the opening hours")->excludes("--hours");
  update->callback([&ctx, slug, changed] {
    ctx.action = [&ctx, slug, changed] {
      const auto body = body_of(*changed);
      if (body.empty()) throw CtlError(exit_usage, "nothing to change: give --name, --hours, --timezone…");
      print_queue(ctx, ctx.call("PATCH", queue_path(*slug), body));
      return 0;
    };
  });

  auto user = std::make_shared<std::string>();
  auto remove = std::make_shared<bool>(false);
  auto* assign = group->add_subcommand("assign", "Let a specialist serve a queue (or stop, with --remove)");
  assign->add_option("SLUG", *slug, "The queue's slug")->required();
  assign->add_option("USERNAME", *user, "A specialist's username")->required();
  assign->add_flag("--remove", *remove, "Stop the specialist serving the queue");
  assign->callback([&ctx, slug, user, remove] {
    ctx.action = [&ctx, slug, user, remove] {
      print_queue(ctx, ctx.call(*remove ? "DELETE" : "PUT", queue_path(*slug) + "/members/" + *user));
      return 0;
    };
  });

  auto* open = group->add_subcommand("open", "Let a closed queue take customers again (within its hours)");
  open->add_option("SLUG", *slug, "The queue's slug")->required();
  open->callback([&ctx, slug] {
    ctx.action = [&ctx, slug] {
      print_queue(ctx, ctx.call("POST", queue_path(*slug) + "/open"));
      return 0;
    };
  });

  auto message = std::make_shared<std::string>();
  auto* close = group->add_subcommand(
      "close", "Stop a queue taking customers and send everyone waiting in it away with a message");
  close->add_option("SLUG", *slug, "The queue's slug")->required();
  close->add_option("--message", *message, "What the waiting customers read (at most 200 characters)");
  close->callback([&ctx, slug, message] {
    ctx.action = [&ctx, slug, message] {
      nlohmann::json body = nlohmann::json::object();
      if (!message->empty()) body["message"] = *message;
      const auto q = ctx.call("POST", queue_path(*slug) + "/close", body);
      if (!ctx.quiet && ctx.format == Format::table)
        std::cout << "closed " << *slug << "; " << q["sent_away"] << " waiting customer(s) sent away\n";
      else
        print_queue(ctx, q);
      return 0;
    };
  });
}

}  // namespace assist::ctl
