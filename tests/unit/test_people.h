// The console users the call tests need: two specialists (alice, bob), a supervisor (sue) and
// an admin (root), created without passwords.
#pragma once

#include <optional>

#include "domain/users.h"
#include "store/sqlite.h"

namespace assist::testing {

struct People {
  User alice, bob, sue, root;
};

inline People create_people(Db& db) {
  const Principal by{Role::admin, std::nullopt, "control-socket", false, {}};
  Transaction tx(db);
  People p{create_user(db, "alice", "Alice", Role::specialist, std::nullopt, by),
           create_user(db, "bob", "Bob", Role::specialist, std::nullopt, by),
           create_user(db, "sue", "Sue", Role::supervisor, std::nullopt, by),
           create_user(db, "root", "Root", Role::admin, std::nullopt, by)};
  tx.commit();
  return p;
}

}  // namespace assist::testing
