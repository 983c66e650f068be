// Queues: named on-demand lines ("Roadside help") with a public entry link /q/<slug>, opening
// hours in their own time zone, a maximum length, and the specialists who serve them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/sqlite.h"
#include "util/opening_hours.h"

namespace assist {

struct Queue {
  std::int64_t id = 0;
  std::string slug;  // the /q/<slug> link
  std::string name;
  std::string description;
  std::string hours;  // as given; "" is always open
  std::string timezone = "UTC";
  std::int64_t max_waiting = 50;
  bool accepting = true;  // an operator can close the queue whatever the hours say
  // Its calls' recording.mode: "off", "on_demand", "always", or "default" (the server's).
  std::string recording_mode = "default";
  std::int64_t created_at = 0;
};

// What a create or an update sets; absent members keep their value (create: the defaults).
struct QueueFields {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> hours;
  std::optional<std::string> timezone;
  std::optional<std::int64_t> max_waiting;
  std::optional<bool> accepting;
  std::optional<std::string> recording_mode;
};

// Errors for a slug that cannot be a queue's link; "" when fine. Lower-case letters, digits and
// inner dashes, 2 to 40 characters.
std::string slug_problem(const std::string& slug);
// A slug made from a name ("Roadside help" → "roadside-help"); "" when nothing usable is left.
std::string slug_from_name(const std::string& name);

// Inside the caller's transaction; audited. DomainError(invalid) names the bad field.
Queue create_queue(Db& db, const std::string& slug, const QueueFields& fields, const Principal& by);
Queue update_queue(Db& db, const Queue& queue, const QueueFields& fields, const Principal& by);

std::optional<Queue> find_queue_by_slug(Db& db, const std::string& slug);
// By slug, else by name (appointments name their queue either way).
std::optional<Queue> find_queue(Db& db, const std::string& slug_or_name);
std::optional<Queue> find_queue(Db& db, std::int64_t id);
std::vector<Queue> list_queues(Db& db);

// The recording.mode of an appointment's call: its queue's own, else `server_mode`.
std::string recording_mode_for(Db& db, std::int64_t appointment_id, const std::string& server_mode);

OpeningHours opening_hours_of(const Queue& queue);

// Specialists serving a queue. Inside the caller's transaction; audited.
void assign_to_queue(Db& db, const Queue& queue, std::int64_t user_id, const std::string& username,
                     bool assigned, const Principal& by);
std::vector<std::string> queue_members(Db& db, std::int64_t queue_id);  // usernames, sorted
std::vector<std::int64_t> queues_served_by(Db& db, std::int64_t user_id);

}  // namespace assist
