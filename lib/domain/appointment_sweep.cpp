#include "domain/appointment_sweep.h"

#include "domain/appointments.h"
#include "domain/participants.h"

namespace assist {
namespace {

AppointmentState closing_state(const Appointment& a) {
  if (a.state == AppointmentState::scheduled) return AppointmentState::no_show;
  return a.call_started_at ? AppointmentState::ended : AppointmentState::expired;
}

}  // namespace

std::vector<SweptAppointment> sweep_appointments(Db& db, std::int64_t now) {
  std::vector<std::int64_t> due;
  {
    auto stmt = db.prepare(
        "SELECT id FROM appointments WHERE state IN ('scheduled', 'waiting', 'in_call') "
        "AND starts_at + duration <= ? ORDER BY id");
    stmt.bind(1, now);
    while (stmt.step()) due.push_back(stmt.integer(0));
  }
  std::vector<SweptAppointment> swept;
  for (auto id : due) {
    Transaction tx(db);
    auto a = find_appointment(db, id);  // read again: it may have changed since the query
    if (!a || is_final(a->state) || a->ends_at() > now) continue;
    const auto p = presence(db, id);
    if (p.customers + p.staff > 0) continue;
    const auto to = closing_state(*a);
    transition_appointment(db, id, to, "system", "window passed");
    tx.commit();
    swept.push_back({id, a->state, to});
  }
  return swept;
}

}  // namespace assist
