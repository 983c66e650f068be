#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "temp_db.h"

namespace assist {
namespace {

void append_three(Db& db) {
  Transaction tx(db);
  audit_append(db, "user:a", "thing.create", "thing", "1", {{"n", 1}});
  audit_append(db, "user:b", "thing.update", "thing", "1", {{"n", 2}});
  audit_append(db, "system", "thing.delete", "thing", "1", nullptr);
  tx.commit();
}

TEST(Audit, ChainVerifies) {
  testing::TempDb t;
  EXPECT_TRUE(audit_verify(*t.db).ok);
  append_three(*t.db);
  auto v = audit_verify(*t.db);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.events, 3);
  auto events = audit_list(*t.db, {});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].prev_hash, events[0].hash);
  EXPECT_EQ(events[0].prev_hash, std::string(64, '0'));
}

TEST(Audit, IsAppendOnlyInTheDatabase) {
  testing::TempDb t;
  append_three(*t.db);
  EXPECT_THROW(t.db->exec("UPDATE audit_events SET actor = 'x' WHERE seq = 2"), StoreError);
  EXPECT_THROW(t.db->exec("DELETE FROM audit_events WHERE seq = 2"), StoreError);
}

TEST(Audit, DetectsAnEditedEvent) {
  testing::TempDb t;
  append_three(*t.db);
  t.db->exec("DROP TRIGGER audit_events_no_update");
  t.db->exec("UPDATE audit_events SET details = '{\"n\":99}' WHERE seq = 2");
  auto v = audit_verify(*t.db);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 2);
  EXPECT_NE(v.problem.find("altered"), std::string::npos);
}

TEST(Audit, DetectsARemovedEvent) {
  testing::TempDb t;
  append_three(*t.db);
  t.db->exec("DROP TRIGGER audit_events_no_delete");
  t.db->exec("DELETE FROM audit_events WHERE seq = 2");
  auto v = audit_verify(*t.db);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST(Audit, DetectsARecomputedHashThatBreaksTheLink) {
  testing::TempDb t;
  append_three(*t.db);
  t.db->exec("DROP TRIGGER audit_events_no_update");
  // A forger who rewrites event 1 and its hash still breaks event 2's link.
  t.db->exec("UPDATE audit_events SET actor = 'user:x', hash = 'ab' WHERE seq = 1");
  auto v = audit_verify(*t.db);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 1);
}

TEST(Audit, ListFilters) {
  testing::TempDb t;
  append_three(*t.db);
  AuditQuery q;
  q.action = "thing.update";
  auto events = audit_list(*t.db, q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "user:b");
  q = {};
  q.after_seq = 2;
  EXPECT_EQ(audit_list(*t.db, q).size(), 1u);
}

}  // namespace
}  // namespace assist
