// Who is making a request, and with which rights.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

  bool sees_everything() const { return role != Role::specialist; }

  // The one visibility rule: a specialist sees only the appointments assigned to them, every
  // other role sees all. Lists filter with visible_specialist(): nullopt means "no filter".
  std::optional<std::int64_t> visible_specialist() const;
  bool may_see(const Appointment& appointment) const;
};

}  // namespace assist
