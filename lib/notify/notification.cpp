#include "notify/notification.h"

#include <array>
#include <utility>

namespace assist {
namespace {

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, n] : names)
    if (v == value) return n;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
  for (const auto& [v, n] : names)
    if (n == text) return v;
  return std::nullopt;
}

constexpr std::array<std::pair<NotifyKind, std::string_view>, 5> kinds = {{
    {NotifyKind::invitation, "invitation"},
    {NotifyKind::reminder, "reminder"},
    {NotifyKind::reschedule, "reschedule"},
    {NotifyKind::cancellation, "cancellation"},
    {NotifyKind::link, "link"},
}};

constexpr std::array<std::pair<Channel, std::string_view>, 3> channels = {{
    {Channel::email, "email"},
    {Channel::sms, "sms"},
    {Channel::webhook, "webhook"},
}};

constexpr std::array<std::pair<NotifyStatus, std::string_view>, 5> statuses = {{
    {NotifyStatus::queued, "queued"},
    {NotifyStatus::sending, "sending"},
    {NotifyStatus::sent, "sent"},
    {NotifyStatus::delivered, "delivered"},
    {NotifyStatus::failed, "failed"},
}};

using S = NotifyStatus;

// Each move names the code in outbox.cpp that makes it.
constexpr std::array<std::pair<S, S>, 8> moves = {{
    {S::queued, S::sending},     // claim_next_notification
    {S::sending, S::sent},       // record_send_result: the provider took it
    {S::sending, S::queued},     // record_send_result: temporary failure, backed off;
                                 // recover_interrupted_notifications: email and webhook
    {S::sending, S::failed},     // record_send_result: rejected or given up;
                                 // recover_interrupted_notifications: SMS
    {S::sent, S::delivered},     // record_delivery_status
    {S::sent, S::failed},        // record_delivery_status: undelivered or failed
    {S::delivered, S::failed},   // record_delivery_status: a later undelivered or failed report
    {S::failed, S::queued},      // retry_notification
}};

}  // namespace

std::string_view to_string(NotifyKind v) { return name_of(kinds, v); }
std::string_view to_string(Channel v) { return name_of(channels, v); }
std::string_view to_string(NotifyStatus v) { return name_of(statuses, v); }
std::optional<NotifyKind> parse_notify_kind(std::string_view t) { return value_of(kinds, t); }
std::optional<Channel> parse_channel(std::string_view t) { return value_of(channels, t); }
std::optional<NotifyStatus> parse_notify_status(std::string_view t) { return value_of(statuses, t); }

bool notify_transition_allowed(NotifyStatus from, NotifyStatus to) {
  for (auto [a, b] : moves)
    if (a == from && b == to) return true;
  return false;
}

}  // namespace assist
