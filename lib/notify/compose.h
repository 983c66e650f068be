// Turning appointment events into queued notifications: whom to tell, on which channel, with
// which rendered message. send_link and notify_appointment_change run inside the caller's
// transaction; run_reminders opens its own.
//
// Payloads (notifications.payload) by channel:
//   email:   {"to_name", "subject", "text", "html", "ics"?, "ics_method"?}
//   sms:     {"body"}
//   webhook: the event {"type", "appointment", "join_url", "message"}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "domain/appointments.h"
#include "domain/principal.h"
#include "notify/notification.h"
#include "store/sqlite.h"
#include "util/time.h"

namespace assist {

// Sends a fresh join link by hand: an invitation for a scheduled appointment, a plain link for
// an on-demand one. Never held back by quiet hours. Throws DomainError (no_recipient,
// channel_not_configured, country_not_allowed, template_invalid, appointment_closed).
Notification send_link(Db& db, const Config& config, const Appointment& appointment,
                       Channel channel, const Principal& by, UnixSeconds now);

// After a reschedule or cancellation: tells every recipient invited earlier.
void notify_appointment_change(Db& db, const Config& config, const Appointment& appointment,
                               NotifyKind kind, const Principal& by, UnixSeconds now);

struct ReminderItem {
  std::int64_t appointment_id = 0;
  Channel channel = Channel::email;
  std::string recipient;
  std::int64_t offset = 0;  // seconds before the start
  UnixSeconds send_at = 0;
  std::string outcome;  // "queued", "already_queued", "skipped" (dry run: "would_queue")
  std::string reason;   // why skipped
  std::optional<std::int64_t> notification_id;
  std::string sms_text;  // for SMS: the text, with a placeholder link in a dry run
  int sms_segments = 0;
  std::string sms_encoding;  // "GSM-7" or "UCS-2"
};

// Every reminder due at `now` (see current_reminder_offset), each at most once per
// appointment, offset, start time and channel. Call it outside any transaction: it reads and
// renders without one, then opens one short transaction per appointment to queue that
// appointment's reminders (an appointment changed in between is skipped, for the next run).
// A failure part-way, such as a template that does not render, leaves the reminders queued so
// far in place; running again queues the rest and repeats none. A dry run writes nothing.
std::vector<ReminderItem> run_reminders(Db& db, const Config& config, UnixSeconds now,
                                        bool dry_run, const Principal& by);

}  // namespace assist
