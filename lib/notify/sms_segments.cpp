#include "notify/sms_segments.h"

#include <string_view>
#include <vector>

namespace assist {
namespace {

// GSM 03.38 basic set and the extension table (whose characters take two septets), as UTF-8.
constexpr std::string_view gsm_basic[] = {
    "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
    "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "Æ", "æ", "ß", "É", " ",
    "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/", ":",
    ";", "<", "=", ">", "?", "¡", "Ä", "Ö", "Ñ", "Ü", "§", "¿", "ä", "ö", "ñ", "ü", "à"};
constexpr std::string_view gsm_extension[] = {"^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"};

std::vector<std::string_view> code_points(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

int septets(std::string_view cp) {
  if (cp.size() == 1 && ((cp[0] >= 'A' && cp[0] <= 'Z') || (cp[0] >= 'a' && cp[0] <= 'z') ||
                         (cp[0] >= '0' && cp[0] <= '9')))
    return 1;
  for (auto g : gsm_basic)
    if (g == cp) return 1;
  for (auto g : gsm_extension)
    if (g == cp) return 2;
  return 0;
}

int parts(int units, int single, int multi) {
  if (units == 0) return 0;
  return units <= single ? 1 : (units + multi - 1) / multi;
}

}  // namespace

SmsSegments count_sms_segments(const std::string& utf8) {
  const auto cps = code_points(utf8);
  SmsSegments r;
  for (auto cp : cps) {
    const int n = septets(cp);
    if (n == 0) {
      r.gsm7 = false;
      break;
    }
    r.units += n;
  }
  if (r.gsm7) {
    r.segments = parts(r.units, 160, 153);
    return r;
  }
  r.units = 0;
  for (auto cp : cps) r.units += cp.size() == 4 ? 2 : 1;  // astral characters take a surrogate pair
  r.segments = parts(r.units, 70, 67);
  return r;
}

}  // namespace assist
