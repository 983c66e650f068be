#include "notify/templates.h"

#include <unicode/locid.h>
#include <unicode/tznames.h>
#include <unicode/unistr.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "notify/builtin_templates.h"

namespace assist {
namespace {

constexpr std::array<const char*, 4> part_names = {"subject", "txt", "html", "sms"};

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// The built-in HTML part: the text part, escaped, with the join link made clickable, under a
// band in the company's colour with its logo and name (when it has either).
std::string html_from_text(const std::string& text, const TemplateVars& vars, const EmailBranding& brand) {
  const auto color = html_escape(brand.color);
  std::string body = html_escape(text);
  if (auto url = vars.find("join_url"); url != vars.end() && !url->second.empty()) {
    const auto escaped = html_escape(url->second);
    if (auto at = body.find(escaped); at != std::string::npos)
      body.replace(at, escaped.size(), "<a href=\"" + escaped + "\" style=\"color:" + color + "\">" + escaped + "</a>");
  }
  std::string out = "<!DOCTYPE html>\n<html><body>\n";
  if (!brand.name.empty() || !brand.logo_url.empty()) {
    out += "<div style=\"background:" + color + ";color:#ffffff;padding:12px 16px;font-weight:bold\">";
    if (!brand.logo_url.empty())
      out += "<img src=\"" + html_escape(brand.logo_url) + "\" alt=\"\" height=\"32\" style=\"vertical-align:middle\"> ";
    out += html_escape(brand.name) + "</div>\n";
  }
  out += "<p>";
  for (char c : body) {
    if (c == '\n') out += "<br>\n";
    else out += c;
  }
  return out + "</p></body></html>\n";
}

}  // namespace

std::string expand_template(const std::string& text, const TemplateVars& vars,
                            const std::string& name, bool escape_html) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto open = text.find("{{", pos);
    if (open == std::string::npos) {
      if (text.find("}}", pos) != std::string::npos)
        throw TemplateError("template " + name + ": '}}' without an opening '{{'");
      out.append(text, pos);
      return out;
    }
    out.append(text, pos, open - pos);
    const auto close = text.find("}}", open + 2);
    if (close == std::string::npos)
      throw TemplateError("template " + name + ": '{{' is never closed");
    const auto var = text.substr(open + 2, close - open - 2);
    auto found = vars.find(var);
    if (found == vars.end()) {
      std::string known;
      for (const auto& [k, v] : vars) known += (known.empty() ? "" : ", ") + k;
      throw TemplateError("template " + name + ": unknown variable '{{" + var + "}}' (known: " +
                          known + ")");
    }
    out += escape_html ? html_escape(found->second) : found->second;
    pos = close + 2;
  }
}

std::string Templates::source(NotifyKind kind, const std::string& locale, TemplatePart part,
                              std::string& name) const {
  const auto file_name =
      locale + "/" + std::string(to_string(kind)) + "." + part_names[static_cast<int>(part)];
  if (!dir_.empty()) {
    const auto path = dir_ + "/" + file_name;
    std::ifstream in(path);
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      name = path;
      return text.str();
    }
  }
  name = "built-in " + file_name;
  const auto* builtin = builtin_template(kind, locale);
  if (!builtin) throw TemplateError("no template for locale '" + locale + "'");
  switch (part) {
    case TemplatePart::subject: return std::string(builtin->subject);
    case TemplatePart::text: return std::string(builtin->text);
    case TemplatePart::sms: return std::string(builtin->sms);
    case TemplatePart::html: break;
  }
  return "";  // no built-in HTML: derived from the text part
}

RenderedMessage Templates::render(NotifyKind kind, const std::string& locale,
                                  const TemplateVars& vars) const {
  RenderedMessage m;
  std::string name;
  m.subject = expand_template(source(kind, locale, TemplatePart::subject, name), vars, name, false);
  while (!m.subject.empty() && (m.subject.back() == '\n' || m.subject.back() == '\r')) m.subject.pop_back();
  if (m.subject.find_first_of("\r\n") != std::string::npos)
    throw TemplateError("template " + name + ": a subject must be one line");
  m.text = expand_template(source(kind, locale, TemplatePart::text, name), vars, name, false);
  if (name.rfind("built-in ", 0) == 0 && !branding_.name.empty()) m.text += "\n-- \n" + branding_.name + "\n";
  m.sms = expand_template(source(kind, locale, TemplatePart::sms, name), vars, name, false);
  while (!m.sms.empty() && m.sms.back() == '\n') m.sms.pop_back();
  const auto html = source(kind, locale, TemplatePart::html, name);
  m.html = html.empty() ? html_from_text(m.text, vars, branding_) : expand_template(html, vars, name, true);
  return m;
}

namespace {

// The city a zone is named after, in the locale's words ("Europe/London" → "Londres" in French);
// "" for zones that have none, such as UTC.
std::string zone_city(const std::string& zone, const std::string& locale) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::TimeZoneNames> names(icu::TimeZoneNames::createInstance(icu::Locale(locale.c_str()), status));
  if (U_FAILURE(status) || !names) return "";
  icu::UnicodeString city;
  names->getExemplarLocationName(icu::UnicodeString::fromUTF8(zone), city);
  std::string out;
  city.toUTF8String(out);
  return out;
}

bool starts_with_vowel(const std::string& word) {
  for (const char* vowel : {"A", "E", "I", "O", "U", "Y", "É", "È", "Î", "Ô"})
    if (word.rfind(vowel, 0) == 0) return true;
  return false;
}

}  // namespace

std::string format_local_time(UnixSeconds t, const TimeZone& zone, const std::string& locale) {
  static const std::array<const char*, 7> days_en = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                                     "Thursday", "Friday", "Saturday"};
  static const std::array<const char*, 7> days_fr = {"dimanche", "lundi", "mardi", "mercredi",
                                                     "jeudi", "vendredi", "samedi"};
  static const std::array<const char*, 12> months_en = {
      "January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};
  static const std::array<const char*, 12> months_fr = {
      "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
      "août", "septembre", "octobre", "novembre", "décembre"};
  const auto l = zone.local(t);
  const bool fr = locale == "fr";
  char clock[16];
  std::snprintf(clock, sizeof clock, fr ? "%d h %02d" : "%d:%02d", l.hour, l.minute);
  const auto city = zone_city(zone.name(), fr ? "fr" : "en");
  std::string where;
  if (city.empty())
    where = " " + zone.name();
  else
    where = fr ? (starts_with_vowel(city) ? ", heure d’" : ", heure de ") + city : ", " + city + " time";
  // French writes the first of the month as an ordinal: "mardi 1er décembre".
  const auto day = std::to_string(l.day) + (fr && l.day == 1 ? "er" : "");
  return std::string(fr ? days_fr[l.weekday] : days_en[l.weekday]) + " " + day +
         " " + (fr ? months_fr[l.month - 1] : months_en[l.month - 1]) + " " +
         std::to_string(l.year) + (fr ? " à " : " at ") + clock + where;
}

}  // namespace assist
