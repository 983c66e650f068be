// People in a call: one participant row per connection (joined → left, never back: a re-join
// is a new row), and the one rule by which presence moves the appointment — waiting while one
// side is there, in_call while both are. Every change is audited with the participant's actor.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/admission.h"
#include "domain/appointments.h"
#include "store/sqlite.h"

namespace assist {

enum class LeaveReason { disconnected, hung_up, replaced, call_ended, error, daemon_restart };
std::string_view to_string(LeaveReason reason);

struct Joined {
  std::int64_t participant_id = 0;
  Appointment appointment;  // as it is after the join
};

// Own transaction each. `label` is the connection's name in the call ("p3"), `peer` its address.
Joined join_call(Db& db, const Admission& admission, const std::string& label, const std::string& peer,
                 std::int64_t now);
// Leaving twice is harmless: the second call changes nothing and returns nullopt.
std::optional<Appointment> leave_call(Db& db, std::int64_t participant_id, LeaveReason reason,
                                      const std::string& actor, std::int64_t now);

// "End for all" from the console: the appointment becomes ended (when it may). Own transaction.
Appointment end_for_all(Db& db, std::int64_t appointment_id, const std::string& actor);

// At start-up, for what a crash left open: every participant still "joined" leaves with reason
// daemon_restart, and an in_call appointment goes back to waiting (the pages re-join by
// themselves; the sweeper ends it once its window has passed). Own transaction; audited as
// "system".
struct Recovery {
  int appointments = 0;
  int participants = 0;
};
Recovery recover_interrupted_calls(Db& db, std::int64_t now);

// How many are connected to an appointment now, staff and customers apart.
struct Presence {
  int customers = 0;
  int staff = 0;
};
Presence presence(Db& db, std::int64_t appointment_id);
// How many participants are connected now, per appointment that has any (one query).
std::map<std::int64_t, int> connected_participants(Db& db);

}  // namespace assist
