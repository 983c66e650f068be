// Where customers were (lib/domain/locations): what is stored, what is refused before anything
// is written, the audit trail, and the operator's map link.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "audit/audit_log.h"
#include "domain/appointments.h"
#include "domain/errors.h"
#include "domain/locations.h"
#include "temp_db.h"
#include "util/time.h"

namespace assist {
namespace {

class LocationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NewAppointment n;
    n.customer_name = "Ada";
    n.starts_at = now_seconds();
    n.duration = 1800;
    Transaction tx(db);
    id = create_appointment(db, n, {Role::admin, std::nullopt, "system", false, {}}).id;
    tx.commit();
  }
  NewLocation shared(double latitude, double longitude, double accuracy) {
    return {id, "Ada", "user:alice", "link:customer", LocationStatus::shared, Position{latitude, longitude, accuracy, 0},
            1000};
  }
  std::string refusal(const NewLocation& in) {
    try {
      record_location(db, in);
      return "";
    } catch (const DomainError& e) {
      return e.code();
    }
  }
  std::size_t audited(const std::string& action) {
    AuditQuery q;
    q.action = action;
    return audit_list(db, q).size();
  }

  testing::TempDb t;
  Db& db = *t.db;
  std::int64_t id = 0;
};

TEST_F(LocationsTest, APositionIsKeptAsSentAndAuditedWithoutTheCoordinates) {
  const auto l = record_location(db, shared(-89.999999, 179.999999, 0.5));
  const auto rows = list_locations(db, id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, l.id);
  EXPECT_DOUBLE_EQ(rows[0].position->latitude, -89.999999);
  EXPECT_DOUBLE_EQ(rows[0].position->longitude, 179.999999);
  EXPECT_DOUBLE_EQ(rows[0].position->accuracy, 0.5);
  EXPECT_EQ(rows[0].recorded_at, 1000);
  AuditQuery q;
  q.action = "location.shared";
  const auto events = audit_list(db, q);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "link:customer");
  EXPECT_EQ(events[0].details.find("179.99"), std::string::npos) << "the chain keeps no coordinates";
  EXPECT_TRUE(audit_verify(db).ok);
}

TEST_F(LocationsTest, ImpossiblePositionsAreRefusedAndNothingIsWritten) {
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(refusal(shared(200, 0, 5)), "invalid_position");
  EXPECT_EQ(refusal(shared(-90.0001, 0, 5)), "invalid_position");
  EXPECT_EQ(refusal(shared(0, 180.5, 5)), "invalid_position");
  EXPECT_EQ(refusal(shared(nan, 0, 5)), "invalid_position");
  EXPECT_EQ(refusal(shared(0, inf, 5)), "invalid_position");
  EXPECT_EQ(refusal(shared(0, 0, -1)), "invalid_position");
  EXPECT_EQ(refusal(shared(0, 0, 2e7)), "invalid_position");
  auto without = shared(0, 0, 5);
  without.position.reset();
  EXPECT_EQ(refusal(without), "invalid_position") << "shared, but where?";
  auto refused_with = shared(1, 1, 5);
  refused_with.status = LocationStatus::denied;
  EXPECT_EQ(refusal(refused_with), "invalid_position") << "refused, yet a position";
  EXPECT_TRUE(list_locations(db, id).empty());
  EXPECT_EQ(audited("location.shared") + audited("location.refused"), 0u);
}

TEST_F(LocationsTest, RefusalsAreKeptWithTheirReason) {
  for (auto status : {LocationStatus::denied, LocationStatus::unavailable, LocationStatus::timeout,
                      LocationStatus::unsupported}) {
    auto in = shared(0, 0, 0);
    in.status = status;
    in.position.reset();
    record_location(db, in);
  }
  const auto rows = list_locations(db, id);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2].status, LocationStatus::timeout);
  EXPECT_FALSE(rows[2].position);
  EXPECT_EQ(audited("location.refused"), 4u);
  EXPECT_THROW(location_status_from("maybe"), DomainError);
}

TEST_F(LocationsTest, TheMapLinkPutsTheDegreesWhereTheTemplateSays) {
  const Position p{48.8583701, 2.2944813, 10, 0};
  EXPECT_EQ(map_url("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}", p),
            "https://www.openstreetmap.org/?mlat=48.858370&mlon=2.294481#map=17/48.858370/2.294481");
  EXPECT_EQ(map_url("https://maps.example/{lon},{lat}", {-1.5, -0.25, 1, 0}), "https://maps.example/-0.250000,-1.500000");
  EXPECT_EQ(map_url("", p), "");
}

}  // namespace
}  // namespace assist
