#include "domain/appointment_state.h"

#include <array>
#include <utility>

namespace assist {
namespace {

using S = AppointmentState;

constexpr std::array<std::pair<S, std::string_view>, 7> names = {{
    {S::scheduled, "scheduled"},
    {S::waiting, "waiting"},
    {S::in_call, "in_call"},
    {S::ended, "ended"},
    {S::cancelled, "cancelled"},
    {S::no_show, "no_show"},
    {S::expired, "expired"},
}};

constexpr std::array<std::pair<S, S>, 12> moves = {{
    {S::scheduled, S::waiting},
    {S::scheduled, S::cancelled},
    {S::scheduled, S::no_show},
    {S::scheduled, S::expired},
    {S::waiting, S::in_call},
    {S::waiting, S::cancelled},
    {S::waiting, S::no_show},
    {S::waiting, S::expired},
    {S::in_call, S::ended},
    {S::in_call, S::cancelled},  // cancelled over REST during the call: the call ends for all
    {S::in_call, S::waiting},  // the other side dropped and is expected back
    {S::waiting, S::ended},    // ended for all while the other side was away
}};

}  // namespace

std::string_view to_string(AppointmentState state) {
  for (auto [s, name] : names)
    if (s == state) return name;
  return "scheduled";
}

std::optional<AppointmentState> parse_appointment_state(std::string_view text) {
  for (auto [s, name] : names)
    if (name == text) return s;
  return std::nullopt;
}

bool transition_allowed(AppointmentState from, AppointmentState to) {
  for (auto [a, b] : moves)
    if (a == from && b == to) return true;
  return false;
}

bool is_final(AppointmentState state) {
  return state == S::ended || state == S::cancelled || state == S::no_show || state == S::expired;
}

}  // namespace assist
