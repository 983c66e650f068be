#include "api/call_member.h"

#include "api/problem.h"
#include "domain/users.h"
#include "util/time.h"

namespace assist {

CallMember call_member_for(Call& call, std::int64_t appointment_id, const std::string& what) {
  const auto not_found = [&what] { return ApiError(404, what + "_not_found", "no such " + what); };
  const auto authorization = call.request.header("authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    const auto r = admit_with_token(call.db, authorization.substr(7), now_seconds(), call.config->lead_time,
                                    call.request.peer);
    if (r.admission) {
      if (r.admission->appointment.id != appointment_id) throw not_found();
      return {r.admission->role, r.admission->name, r.admission->actor, r.admission->appointment};
    }
    if (r.refusal != Refusal::invalid_token) {
      const auto& refused = describe(r.refusal);
      throw ApiError(refused.http_status, std::string(refused.code), std::string(refused.message));
    }
    // Not a join link: an API key, then.
  }
  call.principal = authenticate(call.request, call.db);
  auto a = find_appointment(call.db, appointment_id);
  if (!a || !call.principal.may_see(*a)) throw not_found();
  const auto& p = call.principal;
  const auto user = p.user_id ? find_user(call.db, *p.user_id) : std::nullopt;
  const auto role = p.role == Role::specialist ? CallRole::specialist : CallRole::supervisor;
  return {role, user ? user->display_name : p.actor, p.actor, *a};
}

}  // namespace assist
