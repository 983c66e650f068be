// Message templates per locale and kind, with {{variable}} placeholders. Built-in texts for
// en and fr; an operator's directory (notify.templates_dir) overrides any part of them with
// files named LOCALE/KIND.PART, e.g. fr/reminder.sms.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "notify/notification.h"
#include "util/timezone.h"

namespace assist {

enum class TemplatePart { subject, text, html, sms };

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using TemplateVars = std::map<std::string, std::string>;

struct RenderedMessage {
  std::string subject;
  std::string text;
  std::string html;
  std::string sms;
};

// What emails show of the company (branding.*): its name signs the built-in texts; name, logo
// and colour head the HTML derived from them.
struct EmailBranding {
  std::string name;      // "" = no signature, no band
  std::string logo_url;  // "" = no logo
  std::string color = "#0b62d6";
};

class Templates {
 public:
  explicit Templates(std::string override_dir, EmailBranding branding = {})
      : dir_(std::move(override_dir)), branding_(std::move(branding)) {}
  // Throws TemplateError naming the template when it is malformed or uses an unknown variable.
  RenderedMessage render(NotifyKind kind, const std::string& locale, const TemplateVars& vars) const;

 private:
  std::string source(NotifyKind kind, const std::string& locale, TemplatePart part,
                     std::string& name) const;
  std::string dir_;
  EmailBranding branding_;
};

// Substitutes {{name}}; `escape_html` escapes the values. Throws TemplateError.
std::string expand_template(const std::string& text, const TemplateVars& vars,
                            const std::string& name, bool escape_html);

// "Tuesday 1 December 2026 at 10:30, Paris time", "mardi 1er décembre 2026 à 10 h 30, heure de
// Paris"; "… at 10:30 UTC" for a zone that is not named after a city.
std::string format_local_time(UnixSeconds t, const TimeZone& zone, const std::string& locale);

}  // namespace assist
