#include "store/installation.h"

namespace assist {

Installation installation(Db& db) {
  auto s = db.prepare("SELECT id, first_appointment_id FROM installation");
  if (!s.step()) throw StoreError("the installation row is missing: the database was altered by hand");
  return {s.text(0), s.integer(1)};
}

}  // namespace assist
