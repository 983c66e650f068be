// Join links: random tokens scoped to one appointment and one role, stored only as a hash,
// working from `lead_time` before the start until the end of the appointment's window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/appointments.h"
#include "domain/principal.h"
#include "store/sqlite.h"

namespace assist {

enum class JoinRole { customer, specialist };

struct IssuedToken {
  std::int64_t id = 0;
  std::string token;  // shown once, never stored
  std::int64_t valid_from = 0;
  std::int64_t valid_until = 0;
};

// Inside the caller's transaction; audited.
IssuedToken issue_join_token(Db& db, const Appointment& appointment, JoinRole role,
                             std::int64_t lead_time, const Principal& by);

enum class JoinCheck { ok, unknown, too_early, expired, closed };

struct JoinResolution {
  JoinCheck check = JoinCheck::unknown;
  std::int64_t token_id = 0;
  std::optional<Appointment> appointment;
  JoinRole role = JoinRole::customer;
  std::int64_t valid_from = 0;
  std::int64_t valid_until = 0;
};

JoinResolution resolve_join_token(Db& db, const std::string& token, std::int64_t now,
                                  std::int64_t lead_time);

std::string join_url(const std::string& public_url, const std::string& token);

// Records that a join link was used; returns the notification that carried it when this is
// the first use of a link that a notification carried.
std::optional<std::int64_t> record_join_token_opened(Db& db, const std::string& token, std::int64_t now);
// Ties a token to the notification that carries it, for record_join_token_opened.
void attach_join_token(Db& db, std::int64_t token_id, std::int64_t notification_id);

}  // namespace assist
