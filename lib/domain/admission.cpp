#include "domain/admission.h"

#include <nlohmann/json.hpp>

#include <array>

#include "audit/audit_log.h"
#include "domain/queues.h"

namespace assist {
namespace {

constexpr std::array<RefusalInfo, 6> refusals = {{
    {Refusal::invalid_token, "invalid_token", 404, "this link is not valid"},
    {Refusal::too_early, "too_early", 403, "this link does not work yet"},
    {Refusal::link_expired, "link_expired", 410, "this link has expired"},
    {Refusal::appointment_closed, "appointment_closed", 410, "this appointment is over or was cancelled"},
    {Refusal::authentication_required, "authentication_required", 401, "send a join token or sign in first"},
    {Refusal::appointment_not_found, "appointment_not_found", 404, "no such appointment"},
}};

AdmissionResult refused(Refusal r) { return {std::nullopt, r}; }

// Who a link stands for: the customer named on the appointment, or its specialist.
std::string display_name(Db& db, CallRole role, const Appointment& a) {
  if (role == CallRole::customer) return a.customer_name;
  if (a.specialist_id)
    if (auto user = find_user(db, *a.specialist_id)) return user->display_name;
  return "Specialist";
}

}  // namespace

std::span<const RefusalInfo> refusal_table() { return refusals; }

const RefusalInfo& describe(Refusal refusal) {
  for (const auto& r : refusals)
    if (r.refusal == refusal) return r;
  return refusals[0];
}

std::optional<Refusal> refusal_for(JoinCheck check) {
  switch (check) {
    case JoinCheck::ok: return std::nullopt;
    case JoinCheck::unknown: return Refusal::invalid_token;
    case JoinCheck::too_early: return Refusal::too_early;
    case JoinCheck::expired: return Refusal::link_expired;
    case JoinCheck::closed: return Refusal::appointment_closed;
  }
  return Refusal::invalid_token;
}

std::string_view to_string(CallRole role) {
  switch (role) {
    case CallRole::customer: return "customer";
    case CallRole::specialist: return "specialist";
    case CallRole::supervisor: return "supervisor";
  }
  return "customer";
}

CallRole call_role_from(std::string_view text) {
  if (text == "specialist") return CallRole::specialist;
  if (text == "supervisor") return CallRole::supervisor;
  return CallRole::customer;
}

bool is_staff(CallRole role) { return role != CallRole::customer; }

Principal principal_for(Db& db, const User& user) {
  Principal p{user.role, user.id, "user:" + user.username, true, {}};
  if (user.role == Role::specialist) p.queue_ids = queues_served_by(db, user.id);
  return p;
}

AdmissionResult admit_with_token(Db& db, const std::string& token, std::int64_t now,
                                 std::int64_t lead_time, const std::string& peer) {
  if (token.empty() || token.size() > 256) return refused(Refusal::invalid_token);
  const auto r = resolve_join_token(db, token, now, lead_time);
  if (auto refusal = refusal_for(r.check)) {
    if (r.appointment) {
      Transaction tx(db);
      audit_append(db, "link", "join.refused", "appointment", std::to_string(r.appointment->id),
                   {{"reason", describe(*refusal).code}, {"peer", peer}, {"token_id", r.token_id}});
      tx.commit();
    }
    return refused(*refusal);
  }
  {
    Transaction tx(db);
    if (auto notification = record_join_token_opened(db, token, now))
      audit_append(db, "link", "notification.opened", "notification", std::to_string(*notification),
                   {{"appointment", r.appointment->id}});
    tx.commit();
  }
  const auto role = r.role == JoinRole::customer ? CallRole::customer : CallRole::specialist;
  Admission a{role, *r.appointment, std::string(to_string(role)) + ":link/" + std::to_string(r.token_id),
              display_name(db, role, *r.appointment), std::nullopt, r.token_id};
  return {std::move(a), Refusal::invalid_token};
}

AdmissionResult admit_with_session(Db& db, const std::optional<User>& user, std::int64_t id) {
  if (!user) return refused(Refusal::authentication_required);
  const auto principal = principal_for(db, *user);
  auto appointment = find_appointment(db, id);
  if (!appointment || !principal.may_see(*appointment)) return refused(Refusal::appointment_not_found);
  if (is_final(appointment->state)) return refused(Refusal::appointment_closed);
  const auto role = user->role == Role::specialist ? CallRole::specialist : CallRole::supervisor;
  return {Admission{role, *appointment, principal.actor, user->display_name, user->id, std::nullopt},
          Refusal::invalid_token};
}

}  // namespace assist
