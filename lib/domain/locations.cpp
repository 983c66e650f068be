#include "domain/locations.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "audit/audit_log.h"
#include "domain/errors.h"
#include "util/time.h"

namespace assist {
namespace {

constexpr std::array<std::pair<LocationStatus, std::string_view>, 5> names{{
    {LocationStatus::shared, "shared"},
    {LocationStatus::denied, "denied"},
    {LocationStatus::unavailable, "unavailable"},
    {LocationStatus::timeout, "timeout"},
    {LocationStatus::unsupported, "unsupported"},
}};

constexpr double max_accuracy_metres = 10'000'000;

bool within(double v, double low, double high) { return std::isfinite(v) && v >= low && v <= high; }

void check(const NewLocation& in) {
  const bool shared = in.status == LocationStatus::shared;
  if (shared != in.position.has_value())
    throw DomainError(ErrorKind::invalid, "invalid_position",
                      shared ? "a shared location has a position" : "a refused location has no position");
  if (!shared) return;
  const auto& p = *in.position;
  if (!within(p.latitude, -90, 90)) throw DomainError(ErrorKind::invalid, "invalid_position", "latitude is -90 to 90");
  if (!within(p.longitude, -180, 180))
    throw DomainError(ErrorKind::invalid, "invalid_position", "longitude is -180 to 180");
  if (!within(p.accuracy, 0, max_accuracy_metres))
    throw DomainError(ErrorKind::invalid, "invalid_position", "accuracy is 0 to 10,000 km, in metres");
  if (p.captured_at_ms < 0) throw DomainError(ErrorKind::invalid, "invalid_position", "captured_at is not negative");
}

Location read_row(Stmt& s) {
  Location l{s.integer(0), s.integer(1), s.text(2), s.text(3), location_status_from(s.text(4)), std::nullopt,
             s.integer(9)};
  if (!s.is_null(5)) l.position = Position{s.real(5), s.real(6), s.real(7), s.is_null(8) ? 0 : s.integer(8)};
  return l;
}

std::string degrees(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", v);
  return text;
}

}  // namespace

std::string_view to_string(LocationStatus status) {
  for (const auto& [s, name] : names)
    if (s == status) return name;
  return "shared";
}

LocationStatus location_status_from(std::string_view text) {
  for (const auto& [s, name] : names)
    if (name == text) return s;
  throw DomainError(ErrorKind::invalid, "invalid_location_status",
                    "a location's status is shared, denied, unavailable, timeout or unsupported");
}

Location record_location(Db& db, const NewLocation& in) {
  check(in);
  Transaction tx(db);
  auto insert = db.prepare(
      "INSERT INTO locations (appointment_id, name, requested_by, status, latitude, longitude, accuracy, "
      "captured_at_ms, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, in.appointment_id).bind(2, in.name).bind(3, in.requested_by).bind(4, to_string(in.status));
  if (in.position) {
    insert.bind(5, in.position->latitude).bind(6, in.position->longitude).bind(7, in.position->accuracy);
    if (in.position->captured_at_ms > 0) insert.bind(8, in.position->captured_at_ms);
  }
  insert.bind(9, in.now).run();
  const auto id = db.last_insert_id();
  nlohmann::json detail{{"location_id", id}, {"status", to_string(in.status)}, {"requested_by", in.requested_by}};
  // The coordinates themselves stay in their row, which erasure can reach; the audit chain keeps
  // only that a position was shared, and how precise it was.
  if (in.position) detail["accuracy"] = in.position->accuracy;
  audit_append(db, in.actor, in.position ? "location.shared" : "location.refused", "appointment",
               std::to_string(in.appointment_id), detail);
  tx.commit();
  return {id, in.appointment_id, in.name, in.requested_by, in.status, in.position, in.now};
}

std::vector<Location> list_locations(Db& db, std::int64_t appointment_id) {
  auto stmt = db.prepare(
      "SELECT id, appointment_id, name, requested_by, status, latitude, longitude, accuracy, captured_at_ms, "
      "recorded_at FROM locations WHERE appointment_id = ? ORDER BY id");
  stmt.bind(1, appointment_id);
  std::vector<Location> out;
  while (stmt.step()) out.push_back(read_row(stmt));
  return out;
}

nlohmann::json location_json(const Location& l, std::string_view map_template) {
  nlohmann::json out{{"id", l.id},
                     {"appointment_id", l.appointment_id},
                     {"name", l.name},
                     {"requested_by", l.requested_by},
                     {"status", to_string(l.status)},
                     {"recorded_at", format_iso8601(l.recorded_at)},
                     {"latitude", nullptr},
                     {"longitude", nullptr},
                     {"accuracy", nullptr},
                     {"captured_at", nullptr},
                     {"map_url", nullptr}};
  if (const auto& p = l.position) {
    out["latitude"] = p->latitude;
    out["longitude"] = p->longitude;
    out["accuracy"] = p->accuracy;
    if (p->captured_at_ms > 0) out["captured_at"] = format_iso8601(p->captured_at_ms / 1000);
    if (!map_template.empty()) out["map_url"] = map_url(map_template, *p);
  }
  return out;
}

std::string map_url(std::string_view url_template, const Position& position) {
  std::string out;
  for (std::size_t i = 0; i < url_template.size();) {
    if (url_template.substr(i, 5) == "{lat}") {
      out += degrees(position.latitude);
      i += 5;
    } else if (url_template.substr(i, 5) == "{lon}") {
      out += degrees(position.longitude);
      i += 5;
    } else {
      out += url_template[i++];
    }
  }
  return out;
}

}  // namespace assist
