#include "notify/mime.h"

#include <sodium.h>

#include <ctime>

#include "util/crypto.h"

namespace assist {
namespace {

std::string base64(const std::string& data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string base64_lines(const std::string& data) {
  const auto encoded = base64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80 || c < 0x20) return false;
  return true;
}

std::string rfc5322_date(UnixSeconds t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string part(const std::string& content_type, const std::string& body) {
  return "Content-Type: " + content_type + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64_lines(body);
}

}  // namespace

std::string encode_header_words(const std::string& text) {
  return is_ascii(text) ? text : "=?UTF-8?B?" + base64(text) + "?=";
}

std::string build_mime(const EmailMessage& m) {
  const auto boundary = "assist-" + random_token(12);
  const auto alternative = boundary + "-alt";
  std::string out;
  out += "From: " + m.from + "\r\n";
  out += "To: " + (m.to_name.empty() ? m.to : encode_header_words(m.to_name) + " <" + m.to + ">") + "\r\n";
  out += "Subject: " + encode_header_words(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  std::string alternatives = "--" + alternative + "\r\n" +
                             part("text/plain; charset=UTF-8", m.text) + "--" + alternative +
                             "\r\n" + part("text/html; charset=UTF-8", m.html);
  if (!m.ics) {
    out += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
    return out + alternatives + "--" + alternative + "--\r\n";
  }
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
  out += alternatives + "--" + alternative + "--\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/calendar; charset=UTF-8; method=" + m.ics_method +
         "\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(*m.ics);
  return out + "--" + boundary + "--\r\n";
}

}  // namespace assist
