#include <gtest/gtest.h>

#include "domain/join_tokens.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

using S = AppointmentState;
const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};
constexpr std::int64_t lead = 15 * 60;

struct Fixture {
  testing::TempDb t;
  Appointment a;
  IssuedToken token;
  explicit Fixture(std::int64_t starts_in = 3600) {
    NewAppointment n;
    n.customer_name = "Ada";
    n.starts_at = now_seconds() + starts_in;
    n.duration = 1800;
    Transaction tx(*t.db);
    a = create_appointment(*t.db, n, admin);
    token = issue_join_token(*t.db, a, JoinRole::customer, lead, admin);
    tx.commit();
  }
};

TEST(JoinTokens, AreLongRandomAndStoredOnlyAsAHash) {
  Fixture f;
  EXPECT_GE(f.token.token.size(), 32u);  // 192 bits in base64url
  auto stmt = f.t.db->prepare("SELECT token_hash FROM join_tokens");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(0), sha256_hex(f.token.token));
  EXPECT_EQ(stmt.text(0).find(f.token.token), std::string::npos);
  Fixture g;
  EXPECT_NE(f.token.token, g.token.token);
}

TEST(JoinTokens, WorkOnlyInsideTheWindow) {
  Fixture f;
  const auto start = f.a.starts_at;
  EXPECT_EQ(f.token.valid_from, start - lead);
  EXPECT_EQ(f.token.valid_until, start + 1800);
  auto at = [&](std::int64_t now) { return resolve_join_token(*f.t.db, f.token.token, now, lead).check; };
  EXPECT_EQ(at(start - lead - 1), JoinCheck::too_early);
  EXPECT_EQ(at(start - lead), JoinCheck::ok);
  EXPECT_EQ(at(start + 1799), JoinCheck::ok);
  EXPECT_EQ(at(start + 1800), JoinCheck::expired);
}

TEST(JoinTokens, ScopedToOneAppointmentAndRole) {
  Fixture f;
  auto r = resolve_join_token(*f.t.db, f.token.token, f.a.starts_at, lead);
  ASSERT_EQ(r.check, JoinCheck::ok);
  EXPECT_EQ(r.appointment->id, f.a.id);
  EXPECT_EQ(r.role, JoinRole::customer);
}

TEST(JoinTokens, UnknownOrForgedTokensAreRefused) {
  Fixture f;
  EXPECT_EQ(resolve_join_token(*f.t.db, "", f.a.starts_at, lead).check, JoinCheck::unknown);
  auto forged = f.token.token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(resolve_join_token(*f.t.db, forged, f.a.starts_at, lead).check, JoinCheck::unknown);
}

TEST(JoinTokens, ClosedWhenTheAppointmentIsCancelled) {
  Fixture f;
  {
    Transaction tx(*f.t.db);
    transition_appointment(*f.t.db, f.a.id, S::cancelled, admin.actor);
    tx.commit();
  }
  EXPECT_EQ(resolve_join_token(*f.t.db, f.token.token, f.a.starts_at, lead).check, JoinCheck::closed);
}

TEST(JoinTokens, FollowARescheduledWindow) {
  Fixture f;
  {
    Transaction tx(*f.t.db);
    reschedule_appointment(*f.t.db, f.a.id, f.a.starts_at + 86400, 1800, admin);
    tx.commit();
  }
  EXPECT_EQ(resolve_join_token(*f.t.db, f.token.token, f.a.starts_at, lead).check, JoinCheck::too_early);
  EXPECT_EQ(resolve_join_token(*f.t.db, f.token.token, f.a.starts_at + 86400, lead).check, JoinCheck::ok);
}

TEST(JoinTokens, UrlIsUnderPublicUrl) {
  EXPECT_EQ(join_url("https://assist.example.org", "abc"), "https://assist.example.org/j/abc");
}

}  // namespace
}  // namespace assist
