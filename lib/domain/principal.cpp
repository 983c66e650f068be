#include "domain/principal.h"

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
  return !only || a.specialist_id == *only;
}

}  // namespace assist
