// Phone numbers and countries, SMS segment counts, templates and the email's MIME text.
#include <gtest/gtest.h>

#include <fstream>

#include "notify/mime.h"
#include "notify/sms_segments.h"
#include "notify/templates.h"
#include "notify/webhook_signature.h"
#include "temp_db.h"
#include "util/crypto.h"
#include "util/phone.h"

namespace assist {
namespace {

TEST(NotifyPhone, InternationalNumbersAreNormalisedHoweverTheyAreSpaced) {
  for (const char* written : {"+33612345678", "+33 6 12 34 56 78", "+33 (0)6 12-34-56-78", " +33.6.12.34.56.78"})
    EXPECT_EQ(normalise_phone(written).e164, "+33612345678") << written;
  EXPECT_EQ(normalise_phone("+33 6 12 34 56 78").region, "FR");
}

TEST(NotifyPhone, NationalNumbersNeedARegion) {
  const auto refused = normalise_phone("06 12 34 56 78");
  EXPECT_FALSE(refused.e164);
  EXPECT_EQ(refused.error, "must be an international number starting with +, e.g. +33612345678");
  EXPECT_EQ(normalise_phone("06 12 34 56 78", "FR").e164, "+33612345678");
  EXPECT_EQ(normalise_phone("0033 6 12 34 56 78", "FR").e164, "+33612345678");
  EXPECT_EQ(normalise_phone("(201) 555-0123", "US").e164, "+12015550123");
  // An international number keeps its own country whatever the region.
  EXPECT_EQ(normalise_phone("+49 151 23456789", "FR").e164, "+4915123456789");
}

TEST(NotifyPhone, ANumberThatIsNotValidThereSaysWhere) {
  const auto wrong = normalise_phone("06 12 34", "FR");
  EXPECT_FALSE(wrong.e164);
  EXPECT_EQ(wrong.error,
            "is not a valid phone number in France (write numbers from elsewhere with + and their country code)");
  EXPECT_FALSE(normalise_phone("+33 6 12").e164);
  EXPECT_FALSE(normalise_phone("+999999999999").e164);
  EXPECT_FALSE(normalise_phone("call me", "FR").e164);
}

TEST(NotifyPhone, RegionsAreThoseWithNumberingData) {
  EXPECT_TRUE(is_phone_region("FR"));
  EXPECT_TRUE(is_phone_region("US"));
  EXPECT_FALSE(is_phone_region("ZZ"));
  EXPECT_FALSE(is_phone_region("XX"));
}

TEST(NotifyPhone, AllowlistNamesTheCountry) {
  const auto& allowed = default_sms_countries();
  EXPECT_EQ(check_sms_country("+33612345678", allowed), "");
  EXPECT_EQ(check_sms_country("+16502530000", allowed).find("not allowed"), std::string::npos);
  const auto refused = check_sms_country("+5511987654321", allowed);  // Brazil
  EXPECT_NE(refused.find("Brazil (BR)"), std::string::npos) << refused;
  EXPECT_NE(refused.find("not allowed"), std::string::npos);
  EXPECT_EQ(default_sms_countries().size(), 58u);
}

TEST(NotifySms, CountsGsm7AndUcs2Segments) {
  auto plain = count_sms_segments(std::string(160, 'a'));
  EXPECT_TRUE(plain.gsm7);
  EXPECT_EQ(plain.segments, 1);
  EXPECT_EQ(count_sms_segments(std::string(161, 'a')).segments, 2);
  EXPECT_EQ(count_sms_segments(std::string(306, 'a')).segments, 2);
  EXPECT_EQ(count_sms_segments(std::string(307, 'a')).segments, 3);
  // é and à are in GSM-7; € costs two septets.
  auto fr = count_sms_segments("Rappel : rendez-vous vidéo à 10:00");
  EXPECT_TRUE(fr.gsm7);
  EXPECT_EQ(count_sms_segments("€").units, 2);
  // ê is not: the whole text goes UCS-2, 70 per single message.
  auto ucs = count_sms_segments("fenêtre " + std::string(62, 'a'));
  EXPECT_FALSE(ucs.gsm7);
  EXPECT_EQ(ucs.units, 70);
  EXPECT_EQ(ucs.segments, 1);
  EXPECT_EQ(count_sms_segments("fenêtre " + std::string(63, 'a')).segments, 2);
  EXPECT_EQ(count_sms_segments("").segments, 0);
}

TEST(NotifyTemplates, RendersPerLocaleInTheCustomersZone) {
  const auto paris = *TimeZone::find("Europe/Paris");
  const auto t = *parse_iso8601("2026-12-01T09:30:00Z");
  EXPECT_EQ(format_local_time(t, paris, "en"), "Tuesday 1 December 2026 at 10:30, Paris time");
  EXPECT_EQ(format_local_time(t, paris, "fr"), "mardi 1er décembre 2026 à 10 h 30, heure de Paris");
  EXPECT_EQ(format_local_time(t, *TimeZone::find("America/New_York"), "en"),
            "Tuesday 1 December 2026 at 4:30, New York time");
  EXPECT_EQ(format_local_time(t, *TimeZone::find("Europe/London"), "fr"),
            "mardi 1er décembre 2026 à 9 h 30, heure de Londres");
  EXPECT_EQ(format_local_time(t, *TimeZone::find("Pacific/Auckland"), "fr"),
            "mardi 1er décembre 2026 à 22 h 30, heure d’Auckland");
  EXPECT_EQ(format_local_time(t, *TimeZone::find("UTC"), "en"), "Tuesday 1 December 2026 at 9:30 UTC");
  EXPECT_EQ(format_local_time(t + 86400, paris, "fr"), "mercredi 2 décembre 2026 à 10 h 30, heure de Paris");
  Templates templates("");
  TemplateVars vars = {{"customer_name", "Zoë <Z>"}, {"when", "mardi"}, {"timezone", "Europe/Paris"},
                       {"duration_minutes", "30"}, {"join_url", "https://x/j/T"}};
  auto m = templates.render(NotifyKind::reminder, "fr", vars);
  EXPECT_EQ(m.sms, "Rappel : rendez-vous vidéo le mardi. Lien : https://x/j/T");
  EXPECT_NE(m.text.find("Bonjour Zoë <Z>"), std::string::npos);
  EXPECT_NE(m.html.find("Zoë &lt;Z&gt;"), std::string::npos);
  EXPECT_NE(m.html.find("<a href=\"https://x/j/T\" style=\"color:#0b62d6\">"), std::string::npos);
  EXPECT_EQ(m.html.find("<div"), std::string::npos) << "no company, no band";
  EXPECT_EQ(m.text.find("\n-- \n"), std::string::npos) << "no company, no signature";
  EXPECT_NE(templates.render(NotifyKind::invitation, "en", vars).subject.find("mardi"), std::string::npos);
}

TEST(NotifyTemplates, TheInvitationReadsAsAPersonWouldWriteIt) {
  const auto t = *parse_iso8601("2026-12-01T14:30:00Z");
  const auto zone = *TimeZone::find("America/New_York");
  Templates templates("");
  auto vars = [&](const char* locale) {
    return TemplateVars{{"customer_name", "Ada"}, {"when", format_local_time(t, zone, locale)},
                        {"timezone", zone.name()}, {"duration_minutes", "30"}, {"join_url", "https://x/j/T"}};
  };
  EXPECT_NE(templates.render(NotifyKind::invitation, "en", vars("en")).text.find(
                "Your 30-minute video appointment is booked for Tuesday 1 December 2026 at 9:30, New York "
                "time.\n"),
            std::string::npos);
  EXPECT_NE(templates.render(NotifyKind::reschedule, "fr", vars("fr")).text.find(
                "Votre rendez-vous vidéo de 30 minutes est déplacé au mardi 1er décembre 2026 à 9 h 30, "
                "heure de New York.\n"),
            std::string::npos);
  for (auto kind : {NotifyKind::invitation, NotifyKind::reminder, NotifyKind::reschedule, NotifyKind::cancellation})
    for (const char* locale : {"en", "fr"}) {
      const auto m = templates.render(kind, locale, vars(locale));
      for (const auto& part : {m.subject, m.text, m.sms}) {
        EXPECT_EQ(part.find(") ("), std::string::npos) << part;
        EXPECT_EQ(part.find("America/New_York"), std::string::npos) << part;
      }
    }
}

TEST(NotifyTemplates, TheCompanySignsBuiltInEmailsAndHeadsTheirHtmlInItsColour) {
  Templates templates("", {.name = "Dupont & Fils", .logo_url = "https://assist.example/brand/logo", .color = "#7b1fa2"});
  TemplateVars vars = {{"customer_name", "Ada"}, {"when", "w"}, {"timezone", "UTC"}, {"duration_minutes", "30"},
                       {"join_url", "https://x/j/T"}, {"company", "Dupont & Fils"}};
  const auto m = templates.render(NotifyKind::invitation, "fr", vars);
  EXPECT_TRUE(m.text.ends_with("\n-- \nDupont & Fils\n")) << m.text;
  EXPECT_NE(m.html.find("<div style=\"background:#7b1fa2;color:#ffffff;"), std::string::npos) << m.html;
  EXPECT_NE(m.html.find("<img src=\"https://assist.example/brand/logo\" alt=\"\""), std::string::npos) << m.html;
  EXPECT_NE(m.html.find("Dupont &amp; Fils</div>"), std::string::npos) << m.html;
  EXPECT_NE(m.html.find("style=\"color:#7b1fa2\">https://x/j/T</a>"), std::string::npos) << m.html;
  EXPECT_EQ(m.sms.find("Dupont"), std::string::npos) << "an SMS has no room for a signature";
  // An operator's own text is theirs: no signature added, {{company}} where they want it.
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("fr"));
  std::ofstream(dir.file("fr/invitation.txt")) << "{{company}} vous attend : {{join_url}}\n";
  const auto own = Templates(dir.path(), {.name = "Dupont & Fils", .logo_url = "", .color = "#0b62d6"}).render(NotifyKind::invitation, "fr", vars);
  EXPECT_EQ(own.text, "Dupont & Fils vous attend : https://x/j/T\n");
}

TEST(NotifyTemplates, OverridesFromADirectoryAndRefusesMalformedOnes) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("en"));
  std::ofstream(dir.file("en/link.sms")) << "Hi {{customer_name}}: {{join_url}}\n";
  Templates templates(dir.path());
  TemplateVars vars = {{"customer_name", "Ada"}, {"when", "w"}, {"timezone", "UTC"},
                       {"duration_minutes", "30"}, {"join_url", "https://x/j/T"}};
  EXPECT_EQ(templates.render(NotifyKind::link, "en", vars).sms, "Hi Ada: https://x/j/T");
  std::ofstream(dir.file("en/link.sms")) << "Hi {{customer}}\n";
  try {
    templates.render(NotifyKind::link, "en", vars);
    FAIL() << "an unknown variable must be refused";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("en/link.sms")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{{customer}}"), std::string::npos) << e.what();
  }
  std::ofstream(dir.file("en/link.sms")) << "Hi {{customer_name\n";
  EXPECT_THROW(templates.render(NotifyKind::link, "en", vars), TemplateError);
}

TEST(NotifyMime, BuildsAlternativesAndACalendarPart) {
  crypto_init();
  EmailMessage m;
  m.from = "assist@example.org";
  m.to = "ada@example.org";
  m.to_name = "Zoë";
  m.subject = "Rendez-vous à 10:00";
  m.text = "texte";
  m.html = "<p>html</p>";
  m.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  m.ics_method = "REQUEST";
  m.message_id = "<notification-1@example.org>";
  const auto text = build_mime(m);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(text.find("To: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <notification-1@example.org>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: multipart/mixed"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: multipart/alternative"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/calendar; charset=UTF-8; method=REQUEST"), std::string::npos);
  EXPECT_EQ(encode_header_words("plain"), "plain");
}

TEST(NotifyWebhook, SignsTimestampDotBody) {
  crypto_init();
  EXPECT_EQ(webhook_signature("secret", "1700000000", "{}"),
            "v1=" + hmac_sha256_hex("secret", "1700000000.{}"));
  EXPECT_NE(webhook_signature("secret", "1700000001", "{}"), webhook_signature("secret", "1700000000", "{}"));
}

}  // namespace
}  // namespace assist
