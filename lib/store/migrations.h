// Numbered schema migrations, applied in one transaction when the daemon starts.
#pragma once

#include "store/sqlite.h"

namespace assist {

// Brings the schema to the newest version; returns how many migrations ran.
// Refuses a database written by a newer assist.
int migrate(Db& db);
int schema_version(Db& db);
int latest_schema_version();

}  // namespace assist
