// The REST API driven directly, without sockets: authentication, roles, validation, paging.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "audit/audit_log.h"
#include "domain/credentials.h"
#include "domain/locations.h"
#include "domain/recordings.h"
#include "domain/snapshots.h"
#include "domain/waiting_room.h"
#include "image_bytes.h"
#include "domain/users.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  testing::TempDb t;
  ApiServices services{SharedConfig(std::make_shared<const Config>(*load_config_text("", "").config)), {}, 0, "test", {}, {}, {}, {}};
  Api api{services};
  std::string alice_key, bob_key, supervisor_key;

  void SetUp() override {
    Principal system{Role::admin, std::nullopt, "system", false, {}};
    Transaction tx(*t.db);
    auto alice = create_user(*t.db, "alice", "Alice", Role::specialist, "alice password", system);
    auto bob = create_user(*t.db, "bob", "Bob", Role::specialist, "bob's password", system);
    auto sup = create_user(*t.db, "sue", "Sue", Role::supervisor, "sue's password", system);
    alice_key = create_api_key(*t.db, "a", alice, Role::admin, system).secret;
    bob_key = create_api_key(*t.db, "b", bob, Role::admin, system).secret;
    supervisor_key = create_api_key(*t.db, "s", sup, Role::admin, system).secret;
    tx.commit();
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    if (!body.empty() && !r.headers.count("content-type")) r.headers["content-type"] = "application/json";
    if (key == "socket")
      r.control_socket = true;
    else if (!key.empty())
      r.headers["authorization"] = "Bearer " + key;
    return api.handle(r, *t.db);
  }

  static json body(const HttpResponse& r) { return json::parse(r.body); }

  std::int64_t create_for(const std::string& key, const std::string& extra = "") {
    auto r = call("POST", "/api/v1/appointments", key, R"({"customer_name":"Ada")" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return body(r)["id"].get<std::int64_t>();
  }

  static void expect_problem(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto b = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(b.is_object()) << r.body;
    EXPECT_EQ(b["code"], code) << r.body;
    EXPECT_EQ(b["status"], status);
    EXPECT_TRUE(b["detail"].is_string());
  }
};

TEST_F(ApiTest, HealthIsOpen) {
  EXPECT_EQ(call("GET", "/healthz", "").status, 200);
  EXPECT_EQ(call("GET", "/readyz", "").status, 200);
  auto m = call("GET", "/metrics", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("assist_build_info{version=\"test\"} 1"), std::string::npos);
  EXPECT_NE(m.body.find("assist_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
}

TEST_F(ApiTest, MetricsCountAppointmentsByState) {
  create_for("socket");
  create_for("socket");
  auto m = call("GET", "/metrics", "");
  EXPECT_NE(m.body.find("assist_appointments{state=\"scheduled\"} 2"), std::string::npos) << m.body;
}

TEST_F(ApiTest, RecordingsAreSeenByWhoSeesTheAppointmentAndDeletedByAdmins) {
  const auto id = create_for(alice_key);
  begin_recording(*t.db, id, {"p1", CallRole::customer, "Ada"}, std::to_string(id) + "/p1-1.webm", 1000500);
  end_recording(*t.db, std::to_string(id) + "/p1-1.webm", {false, "No space left on device", 10, "", 500}, 1001);
  auto m = call("GET", "/metrics", "");
  EXPECT_NE(m.body.find("assist_recordings{state=\"failed\"} 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("assist_recordings{state=\"complete\"} 0"), std::string::npos) << m.body;

  const auto list = call("GET", "/api/v1/appointments/" + std::to_string(id) + "/recordings", alice_key);
  ASSERT_EQ(list.status, 200) << list.body;
  const auto item = body(list)["items"][0];
  EXPECT_EQ(item["state"], "failed");
  EXPECT_EQ(item["error"], "No space left on device");
  EXPECT_EQ(item["participant"]["role"], "customer");
  const auto path = "/api/v1/recordings/" + std::to_string(item["id"].get<std::int64_t>());
  expect_problem(call("GET", "/api/v1/appointments/" + std::to_string(id) + "/recordings", bob_key), 404,
                 "appointment_not_found");
  expect_problem(call("GET", path, bob_key), 404, "recording_not_found");
  expect_problem(call("GET", path + "/content", bob_key), 404, "recording_not_found");
  expect_problem(call("GET", path + "/content", alice_key), 410, "recording_file_missing");
  expect_problem(call("DELETE", path, alice_key), 403, "forbidden");
  EXPECT_EQ(call("DELETE", path, "socket").status, 204);
  expect_problem(call("GET", path, "socket"), 404, "recording_not_found");
}

TEST_F(ApiTest, PhotosComeFromTheCallsPagesAndAreSeenByWhoSeesTheAppointment) {
  services.config.set(std::make_shared<const Config>(
      *load_config_text("storage:\n  data_dir: " + t.dir.file("data") + "\n", "").config));
  const auto id = create_for(alice_key);
  const auto other = create_for(alice_key);
  const auto link = [&](std::int64_t a) {
    const auto url = body(call("POST", "/api/v1/appointments/" + std::to_string(a) + "/links", alice_key))["join_url"];
    return url.get<std::string>().substr(url.get<std::string>().rfind('/') + 1);
  };
  const auto token = link(id);
  const auto path = "/api/v1/appointments/" + std::to_string(id) + "/snapshots";
  const auto jpeg = testing::tiny_jpeg(1280, 720);
  const std::map<std::string, std::string> as_jpeg{{"content-type", "image/jpeg"}};
  expect_problem(call("POST", path, token, jpeg, as_jpeg), 409, "not_admitted");
  {
    Transaction tx(*t.db);
    admit_in_transaction(*t.db, id, std::nullopt, "system", now_seconds());
    tx.commit();
  }
  auto stored = call("POST", path + "?request=s1", token, jpeg, as_jpeg);
  ASSERT_EQ(stored.status, 201) << stored.body;
  const auto photo = body(stored);
  EXPECT_EQ(photo["source"], "device");
  EXPECT_EQ(photo["width"], 1280);
  EXPECT_EQ(photo["height"], 720);
  EXPECT_EQ(photo["media_type"], "image/jpeg");
  EXPECT_EQ(photo["size"], jpeg.size());
  EXPECT_EQ(photo["participant"]["role"], "customer");
  EXPECT_EQ(photo["participant"]["name"], "Ada");

  EXPECT_TRUE(photo["annotates"].is_null());
  const auto drawing = call("POST", path + "?annotates=" + std::to_string(photo["id"].get<std::int64_t>()), alice_key,
                            testing::tiny_jpeg(1280, 720), as_jpeg);
  ASSERT_EQ(drawing.status, 201) << drawing.body;
  EXPECT_EQ(body(drawing)["annotates"], photo["id"]) << "a drawing names the photo it was made on";
  expect_problem(call("POST", path + "?annotates=abc", alice_key, jpeg, as_jpeg), 400, "invalid_annotates");
  {
    Transaction tx(*t.db);
    admit_in_transaction(*t.db, other, std::nullopt, "system", now_seconds());
    tx.commit();
  }
  const auto elsewhere = body(call("POST", "/api/v1/appointments/" + std::to_string(other) + "/snapshots", alice_key,
                                   jpeg, as_jpeg))["id"];
  expect_problem(call("POST", path + "?annotates=" + elsewhere.dump(), alice_key, jpeg, as_jpeg), 422,
                 "annotates_unknown");
  expect_problem(call("GET", "/api/v1/snapshots/" + elsewhere.dump(), token), 404, "snapshot_not_found");
  expect_problem(call("POST", path, token, "GIF89a not a photo", as_jpeg), 415, "snapshot_not_image");
  expect_problem(call("POST", path, token, "%PDF-1.4\n", as_jpeg), 415, "snapshot_not_image");
  expect_problem(call("POST", path + "?request=../x", token, jpeg, as_jpeg), 400, "invalid_request_id");
  expect_problem(call("POST", "/api/v1/appointments/" + std::to_string(other) + "/snapshots", token, jpeg, as_jpeg),
                 404, "appointment_not_found");
  expect_problem(call("POST", path, "", jpeg, as_jpeg), 401, "authentication_required");
  EXPECT_EQ(list_snapshots(*t.db, id).size(), 2u) << "nothing refused was kept";
  EXPECT_EQ(body(call("GET", "/api/v1/appointments/" + std::to_string(id), alice_key))["snapshots"], 2);
  const auto listed = body(call("GET", "/api/v1/appointments", alice_key))["items"];
  for (const auto& a : listed) EXPECT_EQ(a["snapshots"], a["id"] == id ? 2 : 1) << a.dump();

  const auto list = call("GET", path, alice_key);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(body(list)["items"].size(), 2u);
  const auto content = "/api/v1/snapshots/" + std::to_string(photo["id"].get<std::int64_t>()) + "/content";
  EXPECT_EQ(body(list)["items"][0]["content_url"], content);
  const auto image = call("GET", content, alice_key);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.content_type, "image/jpeg");
  ASSERT_TRUE(image.file);
  EXPECT_EQ(image.file->length, jpeg.size());
  EXPECT_EQ(call("GET", content, token).status, 200) << "the call's own page may show it";
  expect_problem(call("GET", content, link(other)), 404, "snapshot_not_found");
  expect_problem(call("GET", content, bob_key), 404, "snapshot_not_found");
  expect_problem(call("GET", path, bob_key), 404, "appointment_not_found");
  AuditQuery q;
  q.action = "snapshot.taken";
  EXPECT_EQ(audit_list(*t.db, q).size(), 3u);
}

TEST_F(ApiTest, LocationsAreListedWithTheOperatorsMapLinkToWhoSeesTheAppointment) {
  const auto id = create_for(alice_key);
  const auto path = "/api/v1/appointments/" + std::to_string(id) + "/locations";
  record_location(*t.db, {id, "Ada", "user:alice", "link:customer", LocationStatus::shared,
                          Position{-33.856784, 151.215297, 8, 1796650000999}, now_seconds()});
  record_location(*t.db, {id, "Ada", "user:alice", "link:customer", LocationStatus::denied, std::nullopt, now_seconds()});
  auto items = body(call("GET", path, alice_key))["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["status"], "shared");
  EXPECT_DOUBLE_EQ(items[0]["latitude"].get<double>(), -33.856784);
  EXPECT_DOUBLE_EQ(items[0]["longitude"].get<double>(), 151.215297);
  EXPECT_EQ(items[0]["accuracy"], 8);
  EXPECT_EQ(items[0]["captured_at"], format_iso8601(1796650000));
  EXPECT_TRUE(items[0]["map_url"].is_null()) << "no map service unless the operator names one";
  EXPECT_EQ(items[1]["status"], "denied");
  EXPECT_TRUE(items[1]["latitude"].is_null());
  services.config.set(std::make_shared<const Config>(
      *load_config_text("locations:\n  map_url: https://www.openstreetmap.org/?mlat={lat}&mlon={lon}\n", "").config));
  items = body(call("GET", path, alice_key))["items"];
  EXPECT_EQ(items[0]["map_url"], "https://www.openstreetmap.org/?mlat=-33.856784&mlon=151.215297");
  EXPECT_TRUE(items[1]["map_url"].is_null());
  expect_problem(call("GET", path, bob_key), 404, "appointment_not_found");
  expect_problem(call("GET", path, ""), 401, "authentication_required");
}

TEST_F(ApiTest, CredentialsAreRequiredAndChecked) {
  expect_problem(call("GET", "/api/v1/appointments", ""), 401, "authentication_required");
  expect_problem(call("GET", "/api/v1/appointments", "ak_AAAAAAAAAAAA_forged-secret-forged-secret"), 401,
                 "invalid_credentials");
  HttpRequest basic;
  basic.method = "GET";
  basic.target = "/api/v1/appointments";
  basic.headers["authorization"] = "Basic YTpi";
  expect_problem(api.handle(basic, *t.db), 401, "invalid_credentials");
}

TEST_F(ApiTest, SpecialistsSeeOnlyTheirOwnAppointments) {
  const auto a1 = create_for(alice_key);
  const auto b1 = create_for(bob_key);
  // Alice cannot read, list, cancel, reschedule or link Bob's appointment: it does not exist for her.
  expect_problem(call("GET", "/api/v1/appointments/" + std::to_string(b1), alice_key), 404,
                 "appointment_not_found");
  expect_problem(call("POST", "/api/v1/appointments/" + std::to_string(b1) + "/cancel", alice_key), 404,
                 "appointment_not_found");
  expect_problem(call("POST", "/api/v1/appointments/" + std::to_string(b1) + "/reschedule", alice_key,
                      R"({"starts_at":"2099-01-01T10:00:00Z"})"),
                 404, "appointment_not_found");
  expect_problem(call("POST", "/api/v1/appointments/" + std::to_string(b1) + "/links", alice_key), 404,
                 "appointment_not_found");
  auto list = body(call("GET", "/api/v1/appointments", alice_key))["items"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], a1);
  EXPECT_EQ(list[0]["specialist"], "alice");
  // Asking for Bob's by filter yields nothing rather than his list.
  EXPECT_TRUE(body(call("GET", "/api/v1/appointments?specialist=bob", alice_key))["items"].empty());
  // Bob's appointment is untouched.
  EXPECT_EQ(body(call("GET", "/api/v1/appointments/" + std::to_string(b1), bob_key))["state"], "scheduled");
  // A supervisor sees both.
  EXPECT_EQ(body(call("GET", "/api/v1/appointments", supervisor_key))["items"].size(), 2u);
}

TEST_F(ApiTest, SpecialistCannotCreateForAnother) {
  expect_problem(call("POST", "/api/v1/appointments", alice_key,
                      R"({"customer_name":"Ada","specialist":"bob"})"),
                 403, "forbidden");
}

TEST_F(ApiTest, RolesGuardAdministration) {
  expect_problem(call("POST", "/api/v1/users", alice_key, R"({"username":"eve"})"), 403, "forbidden");
  expect_problem(call("GET", "/api/v1/users", alice_key), 403, "forbidden");
  expect_problem(call("POST", "/api/v1/api-keys", supervisor_key, R"({"name":"x"})"), 403, "forbidden");
  expect_problem(call("GET", "/api/v1/audit", alice_key), 403, "forbidden");
  expect_problem(call("POST", "/api/v1/queues", alice_key, R"({"name":"q"})"), 403, "forbidden");
  expect_problem(call("GET", "/api/v1/status", alice_key), 403, "forbidden");
  expect_problem(call("PATCH", "/api/v1/users/bob", alice_key, R"({"disabled":true})"), 404, "user_not_found");
  EXPECT_EQ(call("GET", "/api/v1/audit", supervisor_key).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/status", supervisor_key).status, 200);
}

TEST_F(ApiTest, CreateValidatesEveryField) {
  const std::string url = "/api/v1/appointments";
  expect_problem(call("POST", url, "socket", "{\"customer_name\":"), 400, "malformed_json");
  expect_problem(call("POST", url, "socket", "[1,2]"), 400, "malformed_json");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","colour":"red"})"), 400, "unknown_field");
  expect_problem(call("POST", url, "socket", R"({"customer_name":42})"), 400, "wrong_type");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","duration_seconds":"30m"})"), 400,
                 "wrong_type");
  expect_problem(call("POST", url, "socket", R"({})"), 422, "missing_field");
  expect_problem(call("POST", url, "socket", json{{"customer_name", std::string(201, 'a')}}.dump()), 422,
                 "too_long");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A\u0007"})"), 422, "invalid_value");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","customer_phone":"0612345678"})"), 422,
                 "invalid_phone");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","customer_email":"a@b"})"), 422,
                 "invalid_email");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","locale":"de"})"), 422, "invalid_value");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","starts_at":"2020-01-01T10:00:00Z"})"),
                 422, "start_in_past");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","starts_at":"2099-01-01 10:00"})"), 422,
                 "invalid_value");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","duration_seconds":10})"), 422,
                 "invalid_value");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","specialist":"nobody"})"), 422,
                 "unknown_specialist");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A","queue":"nowhere"})"), 422,
                 "unknown_queue");
  expect_problem(call("POST", url, "socket", R"({"customer_name":"A"})", {{"content-type", "text/plain"}}),
                 415, "unsupported_media_type");
  // Nothing was stored by any of the refused requests.
  EXPECT_TRUE(body(call("GET", url, "socket"))["items"].empty());
}

TEST_F(ApiTest, CreateReturnsTheJoinLink) {
  auto r = call("POST", "/api/v1/appointments", "socket",
                R"({"customer_name":"Zoë","customer_phone":"+33612345678","customer_email":"zoe@example.org",
                    "locale":"fr","starts_at":"2099-01-01T10:00:00+01:00","duration_seconds":2700,
                    "specialist":"alice"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = body(r);
  EXPECT_EQ(b["state"], "scheduled");
  EXPECT_EQ(b["starts_at"], "2099-01-01T09:00:00Z");
  EXPECT_EQ(b["ends_at"], "2099-01-01T09:45:00Z");
  EXPECT_EQ(b["join_valid_from"], "2099-01-01T08:45:00Z");
  EXPECT_EQ(b["specialist"], "alice");
  EXPECT_EQ(b["customer_name"], "Zoë");
  EXPECT_EQ(b["join_url"].get<std::string>().rfind("https://127.0.0.1:8443/j/", 0), 0u);
  bool has_location = false;
  for (const auto& [k, v] : r.headers)
    has_location |= k == "Location" && v == "/api/v1/appointments/" + std::to_string(b["id"].get<int>());
  EXPECT_TRUE(has_location);
}

TEST_F(ApiTest, CancelTwiceIsAConflict) {
  const auto id = std::to_string(create_for("socket"));
  EXPECT_EQ(call("POST", "/api/v1/appointments/" + id + "/cancel", "socket", R"({"reason":"moved"})").status, 200);
  expect_problem(call("POST", "/api/v1/appointments/" + id + "/cancel", "socket"), 409, "illegal_transition");
  expect_problem(call("POST", "/api/v1/appointments/" + id + "/links", "socket"), 409, "appointment_closed");
}

TEST_F(ApiTest, Reschedule) {
  const auto id = std::to_string(create_for("socket", R"(,"starts_at":"2099-01-01T10:00:00Z")"));
  auto r = call("POST", "/api/v1/appointments/" + id + "/reschedule", "socket",
                R"({"starts_at":"2099-01-02T10:00:00Z","duration_seconds":3600})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body(r)["ends_at"], "2099-01-02T11:00:00Z");
  expect_problem(call("POST", "/api/v1/appointments/" + id + "/reschedule", "socket",
                      R"({"starts_at":"2001-01-02T10:00:00Z"})"),
                 422, "start_in_past");
}

TEST_F(ApiTest, ListPagesWithCursor) {
  for (int i = 0; i < 5; ++i) create_for("socket");
  auto page = body(call("GET", "/api/v1/appointments?limit=2", "socket"));
  ASSERT_EQ(page["items"].size(), 2u);
  std::vector<std::int64_t> seen;
  while (true) {
    for (auto& item : page["items"]) seen.push_back(item["id"]);
    if (page["next_cursor"].is_null()) break;
    page = body(call("GET", "/api/v1/appointments?limit=2&cursor=" + page["next_cursor"].get<std::string>(),
                     "socket"));
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  expect_problem(call("GET", "/api/v1/appointments?limit=0", "socket"), 400, "bad_query");
  expect_problem(call("GET", "/api/v1/appointments?cursor=zz", "socket"), 400, "bad_cursor");
  expect_problem(call("GET", "/api/v1/appointments?state=done", "socket"), 400, "bad_query");
}

TEST_F(ApiTest, UnknownRoutesAndMethods) {
  expect_problem(call("GET", "/api/v1/nothing", "socket"), 404, "not_found");
  auto put = call("PUT", "/api/v1/appointments", "socket");
  expect_problem(put, 405, "method_not_allowed");
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, POST"}));
  expect_problem(call("GET", "/api/v1/appointments/abc", "socket"), 404, "not_found");
}

TEST_F(ApiTest, SessionCookieNeedsCsrfTokenForWrites) {
  auto login = call("POST", "/api/v1/session", "", R"({"username":"alice","password":"alice password"})");
  ASSERT_EQ(login.status, 201) << login.body;
  std::string cookie;
  for (const auto& [k, v] : login.headers)
    if (k == "Set-Cookie") cookie = v;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("Secure"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const auto session = cookie.substr(0, cookie.find(';'));
  const auto csrf = body(login)["csrf_token"].get<std::string>();

  EXPECT_EQ(call("GET", "/api/v1/appointments", "", "", {{"cookie", session}}).status, 200);
  const std::string create = R"({"customer_name":"Ada"})";
  expect_problem(call("POST", "/api/v1/appointments", "", create, {{"cookie", session}}), 403, "csrf_failed");
  expect_problem(call("POST", "/api/v1/appointments", "", create,
                      {{"cookie", session}, {"x-csrf-token", std::string(64, 'a')}}),
                 403, "csrf_failed");
  auto ok = call("POST", "/api/v1/appointments", "", create, {{"cookie", session}, {"x-csrf-token", csrf}});
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(body(ok)["specialist"], "alice");

  EXPECT_EQ(call("DELETE", "/api/v1/session", "", "", {{"cookie", session}, {"x-csrf-token", csrf}}).status, 204);
  expect_problem(call("GET", "/api/v1/appointments", "", "", {{"cookie", session}}), 401, "session_expired");
}

TEST_F(ApiTest, WrongPasswordIsRefused) {
  expect_problem(call("POST", "/api/v1/session", "", R"({"username":"alice","password":"nope nope nope"})"),
                 401, "invalid_credentials");
  expect_problem(call("POST", "/api/v1/session", "", R"({"username":"ghost","password":"nope nope nope"})"),
                 401, "invalid_credentials");
}

TEST_F(ApiTest, UsersAndKeysLifecycle) {
  auto r = call("POST", "/api/v1/users", "socket", R"({"username":"carol","role":"specialist","password":"carol's password"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body(r)["has_password"], true);
  EXPECT_EQ(body(r).count("password_hash"), 0u);
  expect_problem(call("POST", "/api/v1/users", "socket", R"({"username":"carol"})"), 409, "user_exists");
  expect_problem(call("POST", "/api/v1/users", "socket", R"({"username":"dan","password":"short"})"), 422,
                 "weak_password");
  auto key = call("POST", "/api/v1/api-keys", "socket", R"({"name":"carol-key","user":"carol"})");
  ASSERT_EQ(key.status, 201) << key.body;
  const auto secret = body(key)["key"].get<std::string>();
  EXPECT_EQ(call("GET", "/api/v1/appointments", secret).status, 200);
  EXPECT_EQ(call("PATCH", "/api/v1/users/carol", "socket", R"({"disabled":true})").status, 200);
  expect_problem(call("GET", "/api/v1/appointments", secret), 401, "invalid_credentials");
  auto keys = body(call("GET", "/api/v1/api-keys", "socket"))["items"];
  for (const auto& k : keys) EXPECT_EQ(k.count("key"), 0u);
  const auto id = std::to_string(body(key)["id"].get<int>());
  EXPECT_EQ(call("DELETE", "/api/v1/api-keys/" + id, "socket").status, 204);
  expect_problem(call("DELETE", "/api/v1/api-keys/" + id, "socket"), 404, "api_key_not_found");
}

TEST_F(ApiTest, AuditRecordsWhoDidWhat) {
  const auto id = std::to_string(create_for(alice_key));
  call("POST", "/api/v1/appointments/" + id + "/cancel", alice_key);
  auto events = body(call("GET", "/api/v1/audit?object_type=appointment&object_id=" + id, "socket"))["items"];
  ASSERT_EQ(events.size(), 3u);  // create, link, cancel
  EXPECT_EQ(events[0]["action"], "appointment.create");
  EXPECT_EQ(events[2]["action"], "appointment.cancelled");
  EXPECT_EQ(events[2]["actor"].get<std::string>().rfind("user:alice", 0), 0u);
  EXPECT_EQ(body(call("GET", "/api/v1/audit/verify", "socket"))["ok"], true);
}

}  // namespace
}  // namespace assist
