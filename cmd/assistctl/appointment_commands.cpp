// assistctl appointment create|list|show|cancel|admit|decline|reschedule|link|send-link|transcript|locations
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <limits>

#include "context.h"
#include "util/time.h"

namespace assist::ctl {
namespace {

const std::vector<Column> list_columns = {
    {"id", "ID"},          {"state", "STATE"},           {"starts_at", "STARTS"},
    {"duration_seconds", "SECONDS"}, {"customer_name", "CUSTOMER"}, {"specialist", "SPECIALIST"},
    {"queue", "QUEUE"}};

const std::vector<Column> detail_columns = {
    {"id", "id"},
    {"kind", "kind"},
    {"state", "state"},
    {"customer_name", "customer"},
    {"customer_phone", "phone"},
    {"customer_email", "email"},
    {"locale", "locale"},
    {"customer_timezone", "timezone"},
    {"starts_at", "starts_at"},
    {"ends_at", "ends_at"},
    {"specialist", "specialist"},
    {"queue", "queue"},
    {"join_url", "join_url"},
    {"join_valid_from", "join_valid_from"},
    {"join_valid_until", "join_valid_until"}};

std::int64_t duration_seconds(const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw CtlError(exit_usage, "--duration must look like 30m, 1h or 1h30m (got '" + text + "')");
  return *d;
}

// The chat transcript's columns for table and CSV; the rows are flattened from the API's items.
const std::vector<Column> transcript_columns = {
    {"sent_at", "SENT"}, {"role", "ROLE"}, {"name", "NAME"}, {"text", "TEXT"}};

// "2026-12-02T09:30:01Z Ada Lovelace (customer): hello", later lines of the text indented; a
// shared file as "[file image/png, 68 bytes] photo.png".
void print_transcript_text(std::ostream& out, const nlohmann::json& items) {
  for (const auto& item : items) {
    const auto sender = item.value("sender", nlohmann::json::object());
    auto text = printable(member(item, "text"), true);
    if (const auto file = item.find("file"); file != item.end() && file->is_object())
      text = "[file " + printable(member(*file, "type"), false) + ", " +
             std::to_string(file->value("size", std::int64_t{0})) + " bytes] " + text;
    std::string indented;
    for (char c : text) indented += c == '\n' ? std::string("\n  ") : std::string(1, c);
    out << printable(member(item, "sent_at"), false) << " " << printable(member(sender, "name"), false)
        << " (" << printable(member(sender, "role"), false) << "): " << indented << "\n";
  }
}

// Locations: the table shows the position rounded as the map link has it (degrees to 6 places,
// about 0.1 m), the accuracy in metres to 0.1; CSV the API's fields, raw.
const std::vector<Column> location_columns = {
    {"id", "ID"},
    {"recorded_at", "RECORDED"},
    {"status", "STATUS"},
    {"latitude_text", "LATITUDE"},
    {"longitude_text", "LONGITUDE"},
    {"accuracy_text", "ACCURACY (m)"},
    {"map_url", "MAP"}};

const std::vector<Column> location_csv_columns = {
    {"id", "id"},
    {"appointment_id", "appointment_id"},
    {"name", "name"},
    {"requested_by", "requested_by"},
    {"status", "status"},
    {"recorded_at", "recorded_at"},
    {"latitude", "latitude"},
    {"longitude", "longitude"},
    {"accuracy", "accuracy"},
    {"captured_at", "captured_at"},
    {"map_url", "map_url"}};

// `format` applied to a number member; "" when it is null (no position: not shared).
std::string decimal(const nlohmann::json& object, const char* name, const char* format) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return "";
  char text[40];
  std::snprintf(text, sizeof text, format, it->get<double>());
  return text;
}

nlohmann::json location_row(const nlohmann::json& l, bool table) {
  nlohmann::json out = l;
  if (table) {
    out["latitude_text"] = decimal(l, "latitude", "%.6f");
    out["longitude_text"] = decimal(l, "longitude", "%.6f");
    out["accuracy_text"] = decimal(l, "accuracy", "%.1f");
    out["map_url"] = printable(member(l, "map_url"), false);
  }
  return out;
}

struct CreateArgs {
  std::string name, phone, email, locale, timezone, at, duration, specialist, queue;
};

struct ListArgs {
  std::string state, specialist, from, to;
  std::size_t limit = 1000;
};

}  // namespace

void add_appointment_commands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("appointment", "Schedule, list and manage appointments");
  group->alias("appointments");
  group->require_subcommand(1);

  auto create_args = std::make_shared<CreateArgs>();
  auto* create = group->add_subcommand(
      "create",
      "Create an appointment and print its customer join link.\n"
      "Without --at it is on-demand: it starts now.");
  create->add_option("--customer-name", create_args->name, "Customer's name")->required();
  create->add_option("--phone", create_args->phone, "Customer's mobile number: +33 6 12 34 56 78, or 06 12 34 56 78 when appointments.phone_region is FR");
  create->add_option("--email", create_args->email, "Customer's email address");
  create->add_option("--locale", create_args->locale, "Customer's language: en or fr (default en)");
  create->add_option("--timezone", create_args->timezone,
                     "Customer's time zone (IANA, e.g. Europe/Paris) for times in messages and quiet "
                     "hours (default: notify.timezone)");
  create->add_option("--at", create_args->at, "Start, ISO-8601 with a zone (2026-12-01T09:30:00Z)");
  create->add_option("--duration", create_args->duration, "Length such as 30m or 1h (default 30m)");
  create->add_option("--specialist", create_args->specialist,
                     "Username of the specialist (without it or --queue, only admins and supervisors see it)");
  create->add_option("--queue", create_args->queue, "Name of the queue it belongs to");
  create->callback([&ctx, create_args] {
    ctx.action = [&ctx, create_args] {
      const auto& a = *create_args;
      nlohmann::json body = {{"customer_name", a.name}};
      if (!a.phone.empty()) body["customer_phone"] = a.phone;
      if (!a.email.empty()) body["customer_email"] = a.email;
      if (!a.locale.empty()) body["locale"] = a.locale;
      if (!a.timezone.empty()) body["customer_timezone"] = a.timezone;
      if (!a.at.empty()) body["starts_at"] = a.at;
      if (!a.duration.empty()) body["duration_seconds"] = duration_seconds(a.duration);
      if (!a.specialist.empty()) body["specialist"] = a.specialist;
      if (!a.queue.empty()) body["queue"] = a.queue;
      auto answer = ctx.call("POST", "/api/v1/appointments", body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, detail_columns);
      if (answer.value("specialist", nlohmann::json()).is_null() && answer.value("queue", nlohmann::json()).is_null())
        std::cerr << "assistctl: appointment " << answer.value("id", 0)
                  << " has no specialist and no queue: no specialist sees it in the console, only "
                     "admins and supervisors (give --specialist USER or --queue NAME)\n";
      return 0;
    };
  });

  auto list_args = std::make_shared<ListArgs>();
  auto* list = group->add_subcommand("list", "List appointments, oldest first");
  list->add_option("--state", list_args->state,
                   "Only this state: scheduled, waiting, in_call, ended, cancelled, no_show, expired");
  list->add_option("--specialist", list_args->specialist, "Only this specialist's");
  list->add_option("--from", list_args->from, "Only those starting at or after this ISO-8601 time");
  list->add_option("--to", list_args->to, "Only those starting before this ISO-8601 time");
  list->add_option("--limit", list_args->limit, "At most this many (default 1000)")->check(CLI::PositiveNumber);
  list->callback([&ctx, list_args] {
    ctx.action = [&ctx, list_args] {
      const auto& a = *list_args;
      auto items = ctx.fetch_list("/api/v1/appointments" + query_string({{"state", a.state},
                                                                         {"specialist", a.specialist},
                                                                         {"from", a.from},
                                                                         {"to", a.to}}),
                                  a.limit);
      print_list(std::cout, ctx.format, items, list_columns);
      return 0;
    };
  });

  auto id = std::make_shared<std::int64_t>(0);
  auto add_id = [&](CLI::App* cmd) {
    cmd->add_option("ID", *id, "Appointment id")->required()->check(CLI::PositiveNumber);
  };

  auto* show = group->add_subcommand("show", "Show one appointment");
  add_id(show);
  show->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      auto answer = ctx.call("GET", "/api/v1/appointments/" + std::to_string(*id));
      print_object(std::cout, ctx.format, answer, detail_columns);
      return 0;
    };
  });

  auto reason = std::make_shared<std::string>();
  auto* cancel = group->add_subcommand("cancel", "Cancel an appointment (its links stop working)");
  add_id(cancel);
  cancel->add_option("--reason", *reason, "Why, for the audit log");
  cancel->callback([&ctx, id, reason] {
    ctx.action = [&ctx, id, reason] {
      nlohmann::json body = nlohmann::json::object();
      if (!reason->empty()) body["reason"] = *reason;
      auto answer = ctx.call("POST", "/api/v1/appointments/" + std::to_string(*id) + "/cancel", body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, detail_columns);
      return 0;
    };
  });

  auto* admit = group->add_subcommand(
      "admit", "Let the customer in from the waiting room (as the console's Admit; staff joining does too)");
  add_id(admit);
  admit->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      auto answer = ctx.call("POST", "/api/v1/appointments/" + std::to_string(*id) + "/admit", nlohmann::json::object());
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, detail_columns);
      return 0;
    };
  });

  auto message = std::make_shared<std::string>();
  auto* decline = group->add_subcommand(
      "decline", "Turn a waiting customer away (the appointment is cancelled; they read --message)");
  add_id(decline);
  decline->add_option("--message", *message, "What the customer reads (at most 200 characters)");
  decline->callback([&ctx, id, message] {
    ctx.action = [&ctx, id, message] {
      nlohmann::json body = nlohmann::json::object();
      if (!message->empty()) body["message"] = *message;
      auto answer = ctx.call("POST", "/api/v1/appointments/" + std::to_string(*id) + "/decline", body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, detail_columns);
      return 0;
    };
  });

  auto at = std::make_shared<std::string>();
  auto duration = std::make_shared<std::string>();
  auto* reschedule = group->add_subcommand("reschedule", "Move a scheduled appointment");
  add_id(reschedule);
  reschedule->add_option("--at", *at, "New start, ISO-8601 with a zone")->required();
  reschedule->add_option("--duration", *duration, "New length such as 45m (default: unchanged)");
  reschedule->callback([&ctx, id, at, duration] {
    ctx.action = [&ctx, id, at, duration] {
      nlohmann::json body = {{"starts_at", *at}};
      if (!duration->empty()) body["duration_seconds"] = duration_seconds(*duration);
      auto answer =
          ctx.call("POST", "/api/v1/appointments/" + std::to_string(*id) + "/reschedule", body);
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, detail_columns);
      return 0;
    };
  });

  auto role = std::make_shared<std::string>("customer");
  auto* link = group->add_subcommand(
      "link", "Issue a new join link (earlier links keep working until the window closes)");
  add_id(link);
  link->add_option("--role", *role, "Who the link is for: customer or specialist (default customer)")
      ->check(CLI::IsMember({"customer", "specialist"}));
  link->callback([&ctx, id, role] {
    ctx.action = [&ctx, id, role] {
      auto answer = ctx.call("POST", "/api/v1/appointments/" + std::to_string(*id) + "/links",
                             {{"role", *role}});
      if (ctx.format == Format::table)
        std::cout << answer["join_url"].get<std::string>() << "\n";
      else
        print_object(std::cout, ctx.format, answer,
                     {{"appointment_id", "appointment_id"}, {"join_url", "join_url"},
                      {"join_role", "join_role"}, {"join_valid_from", "join_valid_from"},
                      {"join_valid_until", "join_valid_until"}});
      return 0;
    };
  });

  // -o text exists only here: the global -o (table, json or csv) is shared by every command, so
  // transcript has an -o of its own that shadows it when given after the command words. Without
  // either, the output is text.
  auto transcript_format = std::make_shared<std::string>();
  auto* transcript = group->add_subcommand(
      "transcript",
      "Print an appointment's whole chat, oldest first.\n"
      "Default output here is text: one line per message, 'SENT_AT NAME (ROLE): TEXT', later lines of\n"
      "a message indented by two spaces, control characters shown as \\xNN escapes.");
  add_id(transcript);
  transcript
      ->add_option("-o,--output", *transcript_format,
                   "Output format: text (default for this command), table, json (the API's items) or "
                   "csv (sent_at, role, name, text). Give it after the command words: the global -o "
                   "before them knows only table, json and csv")
      ->check(CLI::IsMember({"text", "table", "json", "csv"}));
  transcript->callback([&ctx, &app, id, transcript_format] {
    ctx.action = [&ctx, &app, id, transcript_format] {
      std::string format = *transcript_format;
      if (format.empty()) {
        const auto* global = app.get_option_no_throw("--output");
        format = global && global->count() > 0 ? global->as<std::string>() : "text";
      }
      auto items = ctx.fetch_list("/api/v1/appointments/" + std::to_string(*id) + "/messages",
                                  std::numeric_limits<std::size_t>::max());
      if (format == "text") {
        print_transcript_text(std::cout, items);
        return 0;
      }
      if (format == "json") {
        std::cout << items.dump(2) << "\n";
        return 0;
      }
      const bool table = format == "table";
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& item : items) {
        const auto sender = item.value("sender", nlohmann::json::object());
        auto cell = [table](const std::string& v) { return table ? printable(v, false) : v; };
        rows.push_back({{"sent_at", cell(member(item, "sent_at"))},
                        {"role", cell(member(sender, "role"))},
                        {"name", cell(member(sender, "name"))},
                        {"text", cell(member(item, "text"))}});
      }
      print_list(std::cout, table ? Format::table : Format::csv, rows, transcript_columns);
      return 0;
    };
  });

  auto* locations = group->add_subcommand(
      "locations", "List where the customer was, as they shared it in the appointment's calls, oldest first");
  add_id(locations);
  locations->footer(
      "A specialist asks in the call (the Location button); the customer's page asks them, then their\n"
      "browser. Each answer is one row, whose STATUS says whether there is a position, or why not:\n"
      "  shared       LATITUDE and LONGITUDE (degrees, WGS 84), ACCURACY in metres, and MAP, a link to\n"
      "               the place when locations.map_url is set in assistd.yaml\n"
      "  denied       the customer, or their browser's settings, refused\n"
      "  unavailable  the browser could not tell where it is\n"
      "  timeout      the browser took too long to tell\n"
      "  unsupported  the browser has no geolocation\n"
      "A question the customer never answered leaves no row.\n\n"
      "Output (global -o, before or after the command words):\n"
      "  table  ID, RECORDED (when assistd stored the answer, UTC), STATUS, LATITUDE, LONGITUDE,\n"
      "         ACCURACY (m), MAP; 'appointment ID has no locations …' when there are none\n"
      "  json   the API's items: id, appointment_id, name (the customer, as the call named them),\n"
      "         requested_by, status, recorded_at, latitude, longitude, accuracy, captured_at (when\n"
      "         the browser measured it), map_url; null where there is no value\n"
      "  csv    the same fields, raw, one line per location (only the heading when there are none)\n\n"
      "An unknown appointment, or over --url one the key may not see, exits 65 (appointment_not_found).\n\n"
      "Examples:\n"
      "  assistctl appointment locations 42\n"
      "  assistctl appointment locations 42 -o json | jq -r '.[] | select(.status == \"shared\") | .map_url'");
  locations->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      const auto items = ctx.fetch_list("/api/v1/appointments/" + std::to_string(*id) + "/locations",
                                        std::numeric_limits<std::size_t>::max());
      if (items.empty() && ctx.format == Format::table) {
        std::cout << "appointment " << *id
                  << " has no locations: none was asked for in its calls, or the customer never answered\n";
        return 0;
      }
      print_rows(std::cout, ctx.format, items, location_row, location_columns, location_csv_columns);
      return 0;
    };
  });
}

}  // namespace assist::ctl
