// Who is making a request, and with which rights.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assist {

struct Appointment;

enum class Role { admin, supervisor, specialist };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Principal {
  Role role = Role::specialist;
  std::optional<std::int64_t> user_id;  // absent for the control socket and user-less API keys
  std::string actor;                    // how the audit log names it: "user:alice", "apikey:3"
  bool cookie_session = false;          // writes then need the CSRF token
  std::vector<std::int64_t> queue_ids;  // a specialist's queues: their unassigned customers too

  bool sees_everything() const { return role != Role::specialist; }

  // The one visibility rule: a specialist sees the appointments assigned to them and the
  // unassigned ones of the queues they serve; every other role sees all. Lists filter with
  // visible_specialist() (nullopt: no filter) and AppointmentFilter::or_queues_of.
  std::optional<std::int64_t> visible_specialist() const;
  bool may_see(const Appointment& appointment) const;
};

}  // namespace assist
