// Who may enter a call. A join token or a console session becomes an Admission, or a Refusal
// whose code, HTTP status and wording come from the one table below: the join page, the
// signalling hub and the scripts all read it (the pages get the code and `final` from the
// server, never a copy of the list).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/appointments.h"
#include "domain/join_tokens.h"
#include "domain/users.h"
#include "store/sqlite.h"

namespace assist {

enum class Refusal {
  invalid_token,
  too_early,
  link_expired,
  appointment_closed,
  authentication_required,
  appointment_not_found,
};

struct RefusalInfo {
  Refusal refusal;
  std::string_view code;     // stable: signalling `error.code`, the join page's status
  int http_status;           // the join page's status for a refused link
  std::string_view message;  // English, for logs and scripts; the pages translate the code
};

std::span<const RefusalInfo> refusal_table();
const RefusalInfo& describe(Refusal refusal);
// nullopt for JoinCheck::ok.
std::optional<Refusal> refusal_for(JoinCheck check);

// The part a person plays in a call (console users who are not specialists supervise).
enum class CallRole { customer, specialist, supervisor };
std::string_view to_string(CallRole role);
// The role a stored text names (as to_string wrote it); customer for anything else.
CallRole call_role_from(std::string_view text);
bool is_staff(CallRole role);

struct Admission {
  CallRole role = CallRole::customer;
  Appointment appointment;
  std::string actor;                     // audit name: "customer:link/7", "user:alice"
  std::string name;                      // as the others see it: "Ada Lovelace", "Dr Smith"
  std::optional<std::int64_t> user_id;   // console users
  std::optional<std::int64_t> token_id;  // the link used: opening it again takes over
};

struct AdmissionResult {
  std::optional<Admission> admission;
  Refusal refusal = Refusal::invalid_token;  // meaningful when not admitted
};

// A join link. Own transactions: the refusal of a known appointment's link is audited
// (join.refused), and the first use of a link a notification carried is recorded.
AdmissionResult admit_with_token(Db& db, const std::string& token, std::int64_t now,
                                 std::int64_t lead_time, const std::string& peer);

// A signed-in console user (nullopt: no valid session) joining appointment `id`; another
// specialist's appointment is refused exactly like a missing one.
AdmissionResult admit_with_session(Db& db, const std::optional<User>& user, std::int64_t id);

// How the audit log and the visibility rule see a console user.
Principal principal_for(Db& db, const User& user);

}  // namespace assist
