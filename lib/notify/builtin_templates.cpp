#include "notify/builtin_templates.h"

#include <array>

namespace assist {
namespace {

struct Entry {
  std::string_view locale;
  NotifyKind kind;
  BuiltinTemplate text;
};

const std::array<Entry, 10> entries = {{
    {"en", NotifyKind::invitation,
     {"Your video appointment on {{when}}",
      "Hello {{customer_name}},\n\nYour {{duration_minutes}}-minute video appointment is booked for "
      "{{when}}.\n\nJoin it from any browser, no installation needed:\n"
      "{{join_url}}\n\nThe link works from a few minutes before the start.\n",
      "Your video appointment: {{when}}. Join: {{join_url}}"}},
    {"en", NotifyKind::reminder,
     {"Reminder: your video appointment on {{when}}",
      "Hello {{customer_name}},\n\nThis is a reminder of your video appointment on {{when}}.\n\n"
      "Join it from any browser:\n{{join_url}}\n",
      "Reminder: video appointment on {{when}}. Join: {{join_url}}"}},
    {"en", NotifyKind::reschedule,
     {"Your video appointment has moved to {{when}}",
      "Hello {{customer_name}},\n\nYour {{duration_minutes}}-minute video appointment has moved to "
      "{{when}}.\n\nJoin it from any browser:\n{{join_url}}\n",
      "Your video appointment has moved to {{when}}. Join: {{join_url}}"}},
    {"en", NotifyKind::cancellation,
     {"Your video appointment on {{when}} is cancelled",
      "Hello {{customer_name}},\n\nYour video appointment on {{when}} has been cancelled.\n",
      "Your video appointment on {{when}} has been cancelled."}},
    {"en", NotifyKind::link,
     {"Your video call link",
      "Hello {{customer_name}},\n\nA specialist is ready to see you. Join the video call from any "
      "browser:\n{{join_url}}\n",
      "Join your video call: {{join_url}}"}},
    {"fr", NotifyKind::invitation,
     {"Votre rendez-vous vidéo du {{when}}",
      "Bonjour {{customer_name}},\n\nVotre rendez-vous vidéo de {{duration_minutes}} minutes est "
      "prévu le {{when}}.\n\nRejoignez-le depuis n'importe quel navigateur, sans "
      "installation :\n{{join_url}}\n\nLe lien fonctionne quelques minutes avant le début.\n",
      "Votre rendez-vous vidéo : {{when}}. Lien : {{join_url}}"}},
    {"fr", NotifyKind::reminder,
     {"Rappel : votre rendez-vous vidéo du {{when}}",
      "Bonjour {{customer_name}},\n\nPetit rappel de votre rendez-vous vidéo du {{when}}.\n\n"
      "Rejoignez-le depuis votre navigateur :\n{{join_url}}\n",
      "Rappel : rendez-vous vidéo le {{when}}. Lien : {{join_url}}"}},
    {"fr", NotifyKind::reschedule,
     {"Votre rendez-vous vidéo est déplacé au {{when}}",
      "Bonjour {{customer_name}},\n\nVotre rendez-vous vidéo de {{duration_minutes}} minutes est "
      "déplacé au {{when}}.\n\nRejoignez-le depuis votre navigateur :\n{{join_url}}\n",
      "Votre rendez-vous vidéo est déplacé au {{when}}. Lien : {{join_url}}"}},
    {"fr", NotifyKind::cancellation,
     {"Votre rendez-vous vidéo du {{when}} est annulé",
      "Bonjour {{customer_name}},\n\nVotre rendez-vous vidéo du {{when}} a été annulé.\n",
      "Votre rendez-vous vidéo du {{when}} a été annulé."}},
    {"fr", NotifyKind::link,
     {"Votre lien d'appel vidéo",
      "Bonjour {{customer_name}},\n\nUn spécialiste est prêt à vous recevoir. Rejoignez l'appel "
      "vidéo depuis votre navigateur :\n{{join_url}}\n",
      "Rejoignez votre appel vidéo : {{join_url}}"}},
}};

}  // namespace

const BuiltinTemplate* builtin_template(NotifyKind kind, std::string_view locale) {
  for (const auto& e : entries)
    if (e.kind == kind && e.locale == locale) return &e.text;
  return nullptr;
}

}  // namespace assist
