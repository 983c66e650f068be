#include "domain/principal.h"

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

}  // namespace assist
