// Closes appointments whose window has passed with nobody connected, as actor "system":
//   scheduled                                   → no_show  (nobody ever joined)
//   waiting, both sides were in a call once     → ended
//   waiting, the other side never came          → expired
//   in_call (nobody connected any more)         → ended
// A call still connected past its window is left alone: calls may overrun.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/appointment_state.h"
#include "store/sqlite.h"

namespace assist {

struct SweptAppointment {
  std::int64_t id = 0;
  AppointmentState from = AppointmentState::scheduled;
  AppointmentState to = AppointmentState::no_show;
};

// One short transaction per appointment, so the write lock is never held for long.
std::vector<SweptAppointment> sweep_appointments(Db& db, std::int64_t now);

}  // namespace assist
