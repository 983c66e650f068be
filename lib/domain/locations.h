// Where the customer was, as their browser said when staff asked in a call: a position
// (latitude and longitude in degrees, WGS 84; accuracy in metres; when the browser measured it),
// or the reason there is none (the customer refused, the browser could not tell). Each answer
// is one row, audited as location.shared or location.refused in the same transaction.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite.h"

namespace assist {

// shared: a position; denied: the customer (or their browser's settings) refused; unavailable,
// timeout: the browser could not tell; unsupported: it has no geolocation.
enum class LocationStatus { shared, denied, unavailable, timeout, unsupported };
std::string_view to_string(LocationStatus status);
// Throws DomainError (invalid, invalid_location_status) for any other text.
LocationStatus location_status_from(std::string_view text);

struct Position {
  double latitude = 0;   // -90..90
  double longitude = 0;  // -180..180
  double accuracy = 0;   // metres, 0..10,000 km
  std::int64_t captured_at_ms = 0;  // as the browser says; 0: not said
};

struct Location {
  std::int64_t id = 0;
  std::int64_t appointment_id = 0;
  std::string name;          // the customer, as the call named them
  std::string requested_by;  // the staff member who asked, as the audit log names them
  LocationStatus status = LocationStatus::shared;
  std::optional<Position> position;  // set when shared
  std::int64_t recorded_at = 0;      // seconds
};

struct NewLocation {
  std::int64_t appointment_id = 0;
  std::string name;
  std::string requested_by;
  std::string actor;  // who answered, as the audit log names them
  LocationStatus status = LocationStatus::shared;
  std::optional<Position> position;  // required when shared, refused otherwise
  std::int64_t now = 0;
};

// Refuses (invalid, invalid_position) a position out of range, not finite, missing when shared
// or given when not.
Location record_location(Db& db, const NewLocation& location);
std::vector<Location> list_locations(Db& db, std::int64_t appointment_id);

// As the REST API and the call show it: every member present, null where there is no value.
nlohmann::json location_json(const Location& location, std::string_view map_template);

// The operator's map link for a position: `url_template` with {lat} and {lon} replaced (decimal
// degrees, 6 places); "" when the template is "".
std::string map_url(std::string_view url_template, const Position& position);

}  // namespace assist
