#include <gtest/gtest.h>

#include "domain/credentials.h"
#include "domain/errors.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

const Principal admin{Role::admin, std::nullopt, "control-socket", false, {}};

User add_user(Db& db, const std::string& name, Role role, const std::string& password = "correct horse") {
  Transaction tx(db);
  auto u = create_user(db, name, "", role, password, admin);
  tx.commit();
  return u;
}

TEST(Passwords, AreArgon2idAndVerify) {
  crypto_init();
  auto hash = hash_password("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery!"));
  EXPECT_NE(hash_password("correct horse battery"), hash);  // salted
}

TEST(Users, SignInChecksPasswordAndDisabled) {
  testing::TempDb t;
  auto u = add_user(*t.db, "alice", Role::specialist);
  EXPECT_TRUE(check_password(*t.db, "alice", "correct horse"));
  EXPECT_FALSE(check_password(*t.db, "alice", "wrong horse!!"));
  EXPECT_FALSE(check_password(*t.db, "nobody", "correct horse"));
  Transaction tx(*t.db);
  set_user_disabled(*t.db, u, true, admin);
  tx.commit();
  EXPECT_FALSE(check_password(*t.db, "alice", "correct horse"));
}

TEST(Users, NamesAreUnique) {
  testing::TempDb t;
  add_user(*t.db, "alice", Role::specialist);
  try {
    add_user(*t.db, "alice", Role::admin);
    FAIL();
  } catch (const DomainError& e) {
    EXPECT_EQ(e.code(), "user_exists");
  }
  EXPECT_NE(username_problem("a b"), "");
  EXPECT_EQ(username_problem("a.b-c_d@e"), "");
  EXPECT_NE(password_problem("short"), "");
}

TEST(Sessions, ResolveUntilExpiryOrSignOut) {
  testing::TempDb t;
  auto u = add_user(*t.db, "alice", Role::specialist);
  auto token = create_session(*t.db, u);
  const auto now = now_seconds();
  EXPECT_EQ(resolve_session(*t.db, token, now)->username, "alice");
  EXPECT_FALSE(resolve_session(*t.db, token, now + session_lifetime + 1));
  EXPECT_FALSE(resolve_session(*t.db, token + "x", now));
  EXPECT_NE(csrf_token_for(token), csrf_token_for(token + "x"));
  delete_session(*t.db, token);
  EXPECT_FALSE(resolve_session(*t.db, token, now));
}

TEST(Sessions, EndWhenThePasswordChanges) {
  testing::TempDb t;
  auto u = add_user(*t.db, "alice", Role::specialist);
  auto token = create_session(*t.db, u);
  Transaction tx(*t.db);
  set_user_password(*t.db, u, "another password", admin);
  tx.commit();
  EXPECT_FALSE(resolve_session(*t.db, token, now_seconds()));
}

TEST(ApiKeys, ResolveToTheirPrincipalUntilRevoked) {
  testing::TempDb t;
  auto bob = add_user(*t.db, "bob", Role::specialist);
  Transaction tx(*t.db);
  auto integration = create_api_key(*t.db, "crm", std::nullopt, Role::admin, admin);
  auto personal = create_api_key(*t.db, "bob's", bob, Role::admin, admin);
  tx.commit();
  const auto now = now_seconds();

  auto p = resolve_api_key(*t.db, integration.secret, now);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->role, Role::admin);
  EXPECT_FALSE(p->user_id);

  auto q = resolve_api_key(*t.db, personal.secret, now);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->role, Role::specialist);  // the user's role, not the one asked for
  EXPECT_EQ(q->user_id, bob.id);

  auto stmt = t.db->prepare("SELECT secret_hash FROM api_keys");
  while (stmt.step()) EXPECT_EQ(integration.secret.find(stmt.text(0)), std::string::npos);

  auto forged = integration.secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(resolve_api_key(*t.db, forged, now));
  EXPECT_FALSE(resolve_api_key(*t.db, "ak_short", now));

  Transaction tx2(*t.db);
  revoke_api_key(*t.db, integration.key.id, admin);
  EXPECT_THROW(revoke_api_key(*t.db, integration.key.id, admin), DomainError);
  tx2.commit();
  EXPECT_FALSE(resolve_api_key(*t.db, integration.secret, now));
}

}  // namespace
}  // namespace assist
