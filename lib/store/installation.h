// What tells this database apart from any other (migration 8), for identifiers that outlive it
// elsewhere, such as the calendar UIDs in customers' calendars.
#pragma once

#include <cstdint>
#include <string>

#include "store/sqlite.h"

namespace assist {

struct Installation {
  std::string id;                         // 32 random hex digits, drawn when the database was made
  std::int64_t first_appointment_id = 0;  // appointments below it predate the id
};

Installation installation(Db& db);

}  // namespace assist
