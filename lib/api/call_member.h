// Who is asking, for routes a call's own pages use (shared files, photos): a participant's join
// token as a Bearer token (the customer's page), else a console session or an API key.
#pragma once

#include <cstdint>
#include <string>

#include "api/api.h"
#include "domain/admission.h"
#include "domain/appointments.h"

namespace assist {

struct CallMember {
  CallRole role = CallRole::customer;
  std::string name;   // as the call shows it
  std::string actor;  // as the audit log names it
  Appointment appointment;
};

// The appointment `appointment_id` as the request's credentials reach it, or 404 `<what>_not_found`
// (also for another appointment's link: ids reveal nothing). A link that is not valid now is
// refused as the join page would refuse it.
CallMember call_member_for(Call& call, std::int64_t appointment_id, const std::string& what);

}  // namespace assist
