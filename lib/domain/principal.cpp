#include "domain/principal.h"

#include <algorithm>

#include "domain/appointments.h"

namespace assist {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::supervisor: return "supervisor";
    case Role::specialist: return "specialist";
  }
  return "specialist";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "admin") return Role::admin;
  if (text == "supervisor") return Role::supervisor;
  if (text == "specialist") return Role::specialist;
  return std::nullopt;
}

std::optional<std::int64_t> Principal::visible_specialist() const {
  if (sees_everything()) return std::nullopt;
  return user_id.value_or(-1);  // a specialist without a user (cannot happen) sees nothing
}

bool Principal::may_see(const Appointment& a) const {
  const auto only = visible_specialist();
  if (!only || a.specialist_id == *only) return true;
  return !a.specialist_id && a.queue_id &&
         std::find(queue_ids.begin(), queue_ids.end(), *a.queue_id) != queue_ids.end();
}

}  // namespace assist
