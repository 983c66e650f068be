// Appointments: creation, queries, rescheduling, and the one transition function through
// which every state change passes (each change is audited in the same transaction).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/appointment_state.h"
#include "domain/principal.h"
#include "store/sqlite.h"

namespace assist {

struct Appointment {
  std::int64_t id = 0;
  std::string kind;  // "scheduled" or "on_demand"
  AppointmentState state = AppointmentState::scheduled;
  std::string customer_name;
  std::optional<std::string> customer_phone;
  std::optional<std::string> customer_email;
  std::string locale;
  std::optional<std::string> timezone;  // IANA name; absent: notify.timezone
  std::int64_t starts_at = 0;
  std::int64_t duration = 0;  // seconds
  std::optional<std::int64_t> specialist_id;
  std::optional<std::string> specialist;  // username
  std::optional<std::int64_t> queue_id;
  std::optional<std::string> queue;  // name
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> call_started_at;  // first time both sides were in the call
  std::optional<std::string> reason;            // the customer's, from a queue's entry page
  std::optional<std::int64_t> waiting_since;    // the customer's first arrival before admission
  std::optional<std::int64_t> admitted_at;      // staff let the customer in (or joined)
  std::optional<std::int64_t> ended_at;         // it reached a final state
  std::optional<std::string> closing_reason;    // "declined", "queue_closed"; else from the state
  std::optional<std::string> closing_message;   // what staff told the customer

  std::int64_t ends_at() const { return starts_at + duration; }
};

struct NewAppointment {
  std::string customer_name;
  std::optional<std::string> customer_phone;  // E.164
  std::optional<std::string> customer_email;
  std::string locale = "en";
  std::optional<std::string> timezone;
  std::optional<std::int64_t> starts_at;  // absent: on-demand, starting now
  std::int64_t duration = 30 * 60;
  std::optional<std::int64_t> specialist_id;
  std::optional<std::int64_t> queue_id;
  std::optional<std::string> reason;
};

struct AppointmentFilter {
  std::optional<AppointmentState> state;
  std::optional<std::int64_t> specialist_id;
  // With specialist_id: also the unassigned appointments of the queues this user serves.
  std::optional<std::int64_t> or_queues_of;
  std::optional<std::int64_t> from;  // starts_at >= from
  std::optional<std::int64_t> to;    // starts_at < to
  std::int64_t after_id = 0;         // cursor
  int limit = 50;
};

// The caller opens the transaction for these three, so the audit event lands with the change.
Appointment create_appointment(Db& db, const NewAppointment& in, const Principal& by);
// `actor` as the audit log names it: "user:alice", "customer:link/7", "system".
Appointment transition_appointment(Db& db, std::int64_t id, AppointmentState to,
                                   const std::string& actor, const std::string& reason = "");
Appointment reschedule_appointment(Db& db, std::int64_t id, std::int64_t starts_at,
                                   std::int64_t duration, const Principal& by);

std::optional<Appointment> find_appointment(Db& db, std::int64_t id);
std::vector<Appointment> list_appointments(Db& db, const AppointmentFilter& filter);
std::vector<std::pair<std::string, std::int64_t>> count_appointments_by_state(Db& db);
// How many rows of `table` (one with an appointment_id column: "recordings", "snapshots", …) each
// of these appointments has; those with none are absent. `table` is a name from the code, never input.
std::map<std::int64_t, int> count_per_appointment(Db& db, std::string_view table,
                                                  const std::vector<std::int64_t>& appointment_ids);

}  // namespace assist
