#include "notify/compose.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "domain/errors.h"
#include "domain/join_tokens.h"
#include "notify/ics.h"
#include "notify/outbox.h"
#include "notify/provider.h"
#include "notify/schedule.h"
#include "notify/sms_segments.h"
#include "notify/templates.h"
#include "store/installation.h"
#include "util/crypto.h"
#include "util/phone.h"
#include "util/timezone.h"

namespace assist {
namespace {

// The appointment's own zone when it has one, else the configured default.
TimeZone customer_zone(const Config& c, const Appointment& a) {
  if (a.timezone)
    if (auto zone = TimeZone::find(*a.timezone)) return *zone;
  auto zone = TimeZone::find(c.notify_timezone);
  return zone ? *zone : *TimeZone::find("UTC");
}

std::string recipient_for(const Config& c, const Appointment& a, Channel channel) {
  if (auto problem = channel_problem(channel, c); !problem.empty())
    throw DomainError(ErrorKind::invalid, "channel_not_configured", problem);
  switch (channel) {
    case Channel::email:
      if (!a.customer_email)
        throw DomainError(ErrorKind::invalid, "no_recipient",
                          "appointment " + std::to_string(a.id) + " has no customer email");
      return *a.customer_email;
    case Channel::sms: {
      if (!a.customer_phone)
        throw DomainError(ErrorKind::invalid, "no_recipient",
                          "appointment " + std::to_string(a.id) + " has no customer phone");
      if (auto problem = check_sms_country(*a.customer_phone, c.notify_sms_countries); !problem.empty())
        throw DomainError(ErrorKind::invalid, "country_not_allowed", problem);
      return *a.customer_phone;
    }
    case Channel::webhook: return c.notify_webhook_url;
  }
  return "";
}

int ics_sequence(Db& db, std::int64_t appointment_id) {
  auto s = db.prepare(
      "SELECT count(*) FROM audit_events WHERE object_type = 'appointment' AND object_id = ? "
      "AND action = 'appointment.reschedule'");
  s.bind(1, std::to_string(appointment_id));
  s.step();
  return static_cast<int>(s.integer(0));
}

std::string render_payload(Db& db, const Config& c, const Appointment& a, NotifyKind kind,
                           Channel channel, const std::string& join_url, UnixSeconds now) {
  const auto zone = customer_zone(c, a);
  TemplateVars vars = {{"customer_name", a.customer_name},
                       {"when", format_local_time(a.starts_at, zone, a.locale)},
                       {"timezone", zone.name()},
                       {"duration_minutes", std::to_string(a.duration / 60)},
                       {"join_url", join_url},
                       {"company", c.branding_name}};
  const EmailBranding brand{.name = c.branding_name,
                            .logo_url = c.branding_logo.empty() ? "" : c.public_url + "/brand/logo",
                            .color = c.branding_color};
  RenderedMessage m;
  try {
    m = Templates(c.notify_templates_dir, brand).render(kind, a.locale, vars);
  } catch (const TemplateError& e) {
    throw DomainError(ErrorKind::invalid, "template_invalid", e.what());
  }
  nlohmann::json payload;
  switch (channel) {
    case Channel::email: {
      payload = {{"to_name", a.customer_name}, {"subject", m.subject}, {"text", m.text}, {"html", m.html}};
      if (a.kind == "scheduled" && kind != NotifyKind::reminder && kind != NotifyKind::link) {
        IcsEvent e;
        e.method = kind == NotifyKind::cancellation ? IcsMethod::cancel : IcsMethod::request;
        const auto self = installation(db);
        e.uid = appointment_uid(a.id, a.id < self.first_appointment_id ? "" : self.id, c.public_url);
        // A CANCEL must outrank the last REQUEST: several calendar apps ignore one that does not.
        e.sequence = ics_sequence(db, a.id) + (e.method == IcsMethod::cancel ? 1 : 0);
        e.starts_at = a.starts_at;
        e.ends_at = a.ends_at();
        e.stamp = now;
        e.summary = m.subject;
        e.description = m.text;
        e.location = join_url;
        e.organizer = c.notify_email_from;
        e.attendee = *a.customer_email;
        e.attendee_name = a.customer_name;
        payload["ics"] = build_ics(e);
        payload["ics_method"] = e.method == IcsMethod::cancel ? "CANCEL" : "REQUEST";
      }
      break;
    }
    case Channel::sms: payload = {{"body", m.sms}}; break;
    case Channel::webhook:
      payload = {{"type", "appointment." + std::string(to_string(kind))},
                 {"appointment",
                  {{"id", a.id},
                   {"starts_at", format_iso8601(a.starts_at)},
                   {"ends_at", format_iso8601(a.ends_at())},
                   {"customer_name", a.customer_name},
                   {"customer_phone", a.customer_phone ? nlohmann::json(*a.customer_phone) : nullptr},
                   {"customer_email", a.customer_email ? nlohmann::json(*a.customer_email) : nullptr},
                   {"locale", a.locale}}},
                 {"join_url", join_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(join_url)},
                 {"message", {{"subject", m.subject}, {"text", m.text}, {"sms", m.sms}}}};
      break;
  }
  return payload.dump();
}

struct Link {
  std::string url;
  std::int64_t token_id = 0;
};

Link new_link(Db& db, const Config& c, const Appointment& a, const Principal& by) {
  const auto issued = issue_join_token(db, a, JoinRole::customer, c.lead_time, by);
  return {join_url(c.public_url, issued.token), issued.id};
}

// So that the link's first opening is recorded against the notification that carried it.
void carried_by(Db& db, const Link& link, const std::optional<Notification>& n) {
  if (n && link.token_id) attach_join_token(db, link.token_id, n->id);
}

// A reminder rendered outside any transaction, waiting for its appointment's short one. Its
// payload carries `placeholder` where the join link's token goes: the token is issued (a
// write) only when the reminder is queued. Tokens are base64url, which neither JSON nor HTML
// escapes, so the placeholder appears verbatim wherever the link does.
struct RenderedReminder {
  std::size_t item = 0;  // index in run_reminders' answer
  std::string key;
  std::string payload;
  std::string placeholder;
};

// Everything a reminder's recipient and text depend on.
bool same_reminder_inputs(const Appointment& a, const Appointment& b) {
  return a.state == b.state && a.kind == b.kind && a.starts_at == b.starts_at &&
         a.duration == b.duration && a.customer_name == b.customer_name &&
         a.customer_email == b.customer_email && a.customer_phone == b.customer_phone &&
         a.locale == b.locale && a.timezone == b.timezone;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

void describe_sms(ReminderItem& item, const std::string& payload) {
  item.sms_text = nlohmann::json::parse(payload)["body"].get<std::string>();
  const auto seg = count_sms_segments(item.sms_text);
  item.sms_segments = seg.segments;
  item.sms_encoding = seg.gsm7 ? "GSM-7" : "UCS-2";
}

// One short transaction for one appointment's rendered reminders. The appointment is read
// again inside it: if it changed since rendering (rescheduled, cancelled, new contact
// details), its reminders are skipped and the next run renders them afresh. A key queued
// meanwhile by another run is reported as already queued.
void enqueue_reminders(Db& db, const Config& c, const Appointment& rendered_for,
                       const std::vector<RenderedReminder>& rendered,
                       std::vector<ReminderItem>& items, const Principal& by, UnixSeconds now) {
  Transaction tx(db);
  const auto a = find_appointment(db, rendered_for.id);
  const bool changed = !a || !same_reminder_inputs(rendered_for, *a);
  for (const auto& r : rendered) {
    auto& item = items[r.item];
    if (changed) {
      item.outcome = "skipped";
      item.reason = "the appointment changed while its reminders were prepared; the next run "
                    "sends them if they are still due";
      continue;
    }
    if (auto existing = find_notification_by_key(db, r.key)) {
      item.outcome = "already_queued";
      item.notification_id = existing->id;
      continue;
    }
    const auto issued = issue_join_token(db, *a, JoinRole::customer, c.lead_time, by);
    const auto payload = replace_all(r.payload, r.placeholder, issued.token);
    auto n = enqueue_notification(
        db, {a->id, NotifyKind::reminder, item.channel, item.recipient, r.key, payload, item.send_at},
        by.actor, now);
    carried_by(db, {join_url(c.public_url, issued.token), issued.id}, n);
    item.outcome = "queued";
    item.notification_id = n->id;
    if (item.channel == Channel::sms) describe_sms(item, payload);
  }
  tx.commit();
}

}  // namespace

Notification send_link(Db& db, const Config& c, const Appointment& a, Channel channel,
                       const Principal& by, UnixSeconds now) {
  if (is_final(a.state))
    throw DomainError(ErrorKind::conflict, "appointment_closed",
                      "appointment " + std::to_string(a.id) + " is " + std::string(to_string(a.state)));
  const auto recipient = recipient_for(c, a, channel);
  const auto kind = a.kind == "scheduled" ? NotifyKind::invitation : NotifyKind::link;
  const auto link = new_link(db, c, a, by);
  NewNotification n{a.id, kind, channel, recipient,
                    std::string(to_string(kind)) + ":" + std::to_string(a.id) + ":" +
                        std::string(to_string(channel)) + ":" + random_token(12),
                    render_payload(db, c, a, kind, channel, link.url, now), now};
  auto queued = enqueue_notification(db, n, by.actor, now);
  carried_by(db, link, queued);
  return *queued;
}

void notify_appointment_change(Db& db, const Config& c, const Appointment& a, NotifyKind kind,
                               const Principal& by, UnixSeconds now) {
  const auto sequence = std::to_string(ics_sequence(db, a.id));
  for (const auto& [channel, recipient] : invited_recipients(db, a.id)) {
    if (!channel_problem(channel, c).empty()) continue;
    const auto link = kind == NotifyKind::cancellation ? Link{} : new_link(db, c, a, by);
    NewNotification n{a.id, kind, channel, recipient,
                      std::string(to_string(kind)) + ":" + std::to_string(a.id) + ":" + sequence +
                          ":" + std::string(to_string(channel)) + ":" + recipient,
                      render_payload(db, c, a, kind, channel, link.url, now), now};
    carried_by(db, link, enqueue_notification(db, n, by.actor, now));
  }
}

std::vector<ReminderItem> run_reminders(Db& db, const Config& c, UnixSeconds now, bool dry_run,
                                        const Principal& by) {
  std::vector<std::int64_t> offsets;
  for (const auto& text : c.notify_reminders)
    if (auto d = parse_duration(text)) offsets.push_back(*d);
  std::vector<ReminderItem> items;
  if (offsets.empty()) return items;
  const auto horizon = *std::max_element(offsets.begin(), offsets.end());
  const auto quiet = parse_quiet_hours(c.notify_quiet_hours).hours;
  // A token's length is fixed, so a placeholder gives the real segment count in a dry run.
  const auto dry_placeholder = std::string(32, 'x');

  AppointmentFilter f;
  f.state = AppointmentState::scheduled;
  f.from = now + 1;
  f.to = now + horizon + 1;
  f.limit = 500;
  // Reading and rendering happen outside any transaction, so the write lock is held only
  // while one appointment's reminders are queued.
  for (;;) {
    const auto page = list_appointments(db, f);
    for (const auto& a : page) {
      const auto offset = current_reminder_offset(a.starts_at, offsets, now);
      if (!offset || a.kind != "scheduled") continue;
      std::vector<RenderedReminder> rendered;
      for (auto channel : {Channel::email, Channel::sms}) {
        if ((channel == Channel::email && !a.customer_email) ||
            (channel == Channel::sms && !a.customer_phone))
          continue;
        ReminderItem item;
        item.appointment_id = a.id;
        item.channel = channel;
        item.offset = *offset;
        item.send_at = reminder_send_time(now, a.starts_at, quiet, customer_zone(c, a));
        const auto key = "reminder:" + std::to_string(a.id) + ":" + std::to_string(*offset) + ":" +
                         std::to_string(a.starts_at) + ":" + std::string(to_string(channel));
        try {
          item.recipient = recipient_for(c, a, channel);
        } catch (const DomainError& e) {
          item.outcome = "skipped";
          item.reason = e.what();
          items.push_back(item);
          continue;
        }
        if (auto existing = find_notification_by_key(db, key)) {
          item.outcome = "already_queued";
          item.notification_id = existing->id;
          items.push_back(item);
          continue;
        }
        // A real run's placeholder is random, so that nothing but the link can match it.
        const auto placeholder = dry_run ? dry_placeholder : random_token(24);
        const auto payload = render_payload(db, c, a, NotifyKind::reminder, channel,
                                            join_url(c.public_url, placeholder), now);
        if (dry_run) {
          item.outcome = "would_queue";
          if (channel == Channel::sms) describe_sms(item, payload);
        } else {
          rendered.push_back({items.size(), key, payload, placeholder});
        }
        items.push_back(item);
      }
      if (!rendered.empty()) enqueue_reminders(db, c, a, rendered, items, by, now);
    }
    if (page.size() < static_cast<std::size_t>(f.limit)) break;
    f.after_id = page.back().id;
  }
  return items;
}

}  // namespace assist
