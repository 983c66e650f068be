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

}  // namespace

std::string_view to_string(NotifyKind v) { return name_of(kinds, v); }
std::string_view to_string(Channel v) { return name_of(channels, v); }
std::string_view to_string(NotifyStatus v) { return name_of(statuses, v); }
std::optional<NotifyKind> parse_notify_kind(std::string_view t) { return value_of(kinds, t); }
std::optional<Channel> parse_channel(std::string_view t) { return value_of(channels, t); }
std::optional<NotifyStatus> parse_notify_status(std::string_view t) { return value_of(statuses, t); }

}  // namespace assist
