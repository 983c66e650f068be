// The appointment lifecycle: scheduled → waiting → in_call → ended, or cancelled, no_show,
// expired. The only place that says which moves are legal.
#pragma once

#include <optional>
#include <string_view>

namespace assist {

enum class AppointmentState { scheduled, waiting, in_call, ended, cancelled, no_show, expired };

std::string_view to_string(AppointmentState state);
std::optional<AppointmentState> parse_appointment_state(std::string_view text);
bool transition_allowed(AppointmentState from, AppointmentState to);
bool is_final(AppointmentState state);

}  // namespace assist
