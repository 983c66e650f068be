// assistctl appointment send-link, remind, notification list|show|retry, channel list|suspend|resume
#include <CLI/CLI.hpp>

#include <iostream>

#include "context.h"

namespace assist::ctl {
namespace {

const std::vector<Column> notification_columns = {
    {"id", "ID"},         {"appointment_id", "APPOINTMENT"}, {"kind", "KIND"},
    {"channel", "CHANNEL"}, {"recipient", "RECIPIENT"},      {"status", "STATUS"},
    {"attempts", "ATTEMPTS"}, {"next_attempt_at", "NEXT_ATTEMPT"}, {"last_error", "LAST_ERROR"}};

const std::vector<Column> notification_detail = {
    {"id", "id"},           {"appointment_id", "appointment_id"}, {"kind", "kind"},
    {"channel", "channel"}, {"recipient", "recipient"},           {"status", "status"},
    {"attempts", "attempts"}, {"next_attempt_at", "next_attempt_at"}, {"last_error", "last_error"},
    {"provider_id", "provider_id"}, {"created_at", "created_at"}, {"sent_at", "sent_at"}, {"opened_at", "opened_at"}};

const std::vector<Column> channel_columns = {{"name", "CHANNEL"}, {"configured", "CONFIGURED"},
                                             {"suspended", "SUSPENDED"}, {"queued", "QUEUED"},
                                             {"suspended_by", "SUSPENDED_BY"}, {"problem", "PROBLEM"}};

const std::vector<Column> remind_columns = {
    {"appointment_id", "APPOINTMENT"}, {"channel", "CHANNEL"}, {"recipient", "RECIPIENT"},
    {"offset_seconds", "OFFSET_S"}, {"send_at", "SEND_AT"}, {"outcome", "OUTCOME"},
    {"sms_segments", "SEGMENTS"}, {"sms_encoding", "ENCODING"}, {"reason", "REASON"}};

}  // namespace

void add_notification_commands(CLI::App& app, Context& ctx) {
  // send-link joins the appointment group defined in appointment_commands.cpp.
  auto* appointment = app.get_subcommand("appointment");
  struct SendArgs {
    std::int64_t id = 0;
    std::string via;
  };
  auto send = std::make_shared<SendArgs>();
  auto* send_link = appointment->add_subcommand(
      "send-link",
      "Send the customer a fresh join link (an invitation with a calendar entry by email for a "
      "scheduled appointment); never held back by quiet hours");
  send_link->add_option("ID", send->id, "Appointment id")->required()->check(CLI::PositiveNumber);
  send_link->add_option("--via", send->via, "Channel: sms, email or webhook")
      ->required()
      ->check(CLI::IsMember({"sms", "email", "webhook"}));
  send_link->callback([&ctx, send] {
    ctx.action = [&ctx, send] {
      auto answer = ctx.call("POST", "/api/v1/appointments/" + std::to_string(send->id) + "/notifications",
                             {{"via", send->via}});
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, notification_detail);
      return 0;
    };
  });

  auto dry_run = std::make_shared<bool>(false);
  auto* remind = app.add_subcommand(
      "remind",
      "Queue every reminder due now (notify.reminders), deferred past quiet hours. Safe to run "
      "every minute from cron: a reminder is never queued twice.");
  remind->add_flag("--dry-run", *dry_run, "Show what would be queued, with SMS segment counts; change nothing");
  remind->callback([&ctx, dry_run] {
    ctx.action = [&ctx, dry_run] {
      auto answer = ctx.call("POST", "/api/v1/reminders", {{"dry_run", *dry_run}});
      if (ctx.format == Format::json) {
        std::cout << answer.dump(2) << "\n";
        return 0;
      }
      if (*dry_run || !ctx.quiet) print_list(std::cout, ctx.format, answer["items"], remind_columns);
      if (*dry_run && ctx.format == Format::table)
        for (const auto& item : answer["items"])
          if (item.contains("sms_text"))
            std::cout << "\nSMS to " << item["recipient"].get<std::string>() << " ("
                      << item["sms_segments"] << " segment(s), " << item["sms_encoding"].get<std::string>()
                      << "):\n" << item["sms_text"].get<std::string>() << "\n";
      return 0;
    };
  });

  auto* group = app.add_subcommand("notification", "Read and retry the notification outbox");
  group->alias("notifications");
  group->require_subcommand(1);
  struct ListArgs {
    std::string status;
    std::size_t limit = 1000;
  };
  auto list_args = std::make_shared<ListArgs>();
  auto* list = group->add_subcommand("list", "List notifications, oldest first");
  list->add_option("--status", list_args->status, "Only this status: queued, sending, sent, delivered, failed")
      ->check(CLI::IsMember({"queued", "sending", "sent", "delivered", "failed"}));
  list->add_option("--limit", list_args->limit, "At most this many (default 1000)")->check(CLI::PositiveNumber);
  list->callback([&ctx, list_args] {
    ctx.action = [&ctx, list_args] {
      auto items = ctx.fetch_list("/api/v1/notifications" + query_string({{"status", list_args->status}}),
                                  list_args->limit);
      print_list(std::cout, ctx.format, items, notification_columns);
      return 0;
    };
  });
  auto id = std::make_shared<std::int64_t>(0);
  auto* show = group->add_subcommand("show", "Show one notification");
  show->add_option("ID", *id, "Notification id")->required()->check(CLI::PositiveNumber);
  show->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      print_object(std::cout, ctx.format, ctx.call("GET", "/api/v1/notifications/" + std::to_string(*id)),
                   notification_detail);
      return 0;
    };
  });
  auto* retry = group->add_subcommand("retry", "Queue a failed notification again, due now");
  retry->add_option("ID", *id, "Notification id")->required()->check(CLI::PositiveNumber);
  retry->callback([&ctx, id] {
    ctx.action = [&ctx, id] {
      auto answer = ctx.call("POST", "/api/v1/notifications/" + std::to_string(*id) + "/retry");
      if (!ctx.quiet) print_object(std::cout, ctx.format, answer, notification_detail);
      return 0;
    };
  });

  auto* channel = app.add_subcommand("channel", "Suspend and resume notification channels");
  channel->alias("channels");
  channel->require_subcommand(1);
  auto* channel_list = channel->add_subcommand("list", "Show each channel's configuration, suspension and queue");
  channel_list->callback([&ctx] {
    ctx.action = [&ctx] {
      print_list(std::cout, ctx.format, ctx.call("GET", "/api/v1/channels")["items"], channel_columns);
      return 0;
    };
  });
  auto name = std::make_shared<std::string>();
  for (const auto* action : {"suspend", "resume"}) {
    auto* cmd = channel->add_subcommand(
        action, std::string(action) == "suspend"
                    ? "Hold a channel's messages in the outbox (they go out on resume)"
                    : "Let a suspended channel's waiting messages go out");
    cmd->add_option("NAME", *name, "email, sms or webhook")->required()->check(CLI::IsMember({"email", "sms", "webhook"}));
    cmd->callback([&ctx, name, action] {
      ctx.action = [&ctx, name, action] {
        auto answer = ctx.call("POST", "/api/v1/channels/" + *name + "/" + action);
        if (!ctx.quiet) print_list(std::cout, ctx.format, answer["items"], channel_columns);
        return 0;
      };
    });
  }
}

}  // namespace assist::ctl
