#include "notify/templates.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/notify_plan.hpp"

namespace fk {
namespace {

nlohmann::json overdueContext() {
  NotificationsConfig c;
  c.building_contacts = {{"Maple Middle", "librarian@maple.example.org"}};
  std::vector<LoanFact> loans{
      {"S1", "Ada <Lovelace>", "p@example.org", "Maple Middle", "CB-1001", "Chromebook 3100", "2026-09-01", "2026-12-01"},
      {"S2", "Bob Lovelace", "p@example.org", "Maple Middle", "CB-1002", "Chromebook 3100", "2026-09-01", "2026-12-02"}};
  return previewContext(NoticeKind::overdue, c, "2026-12-07", loans, {});
}

TEST(Templates, EveryBuiltInKindRendersDeviceDueDateAndPlace) {
  const auto mail = renderMail(NoticeKind::overdue, overdueContext(), "");
  ASSERT_TRUE(mail) << mail.error().message;
  EXPECT_EQ(mail->subject, "Overdue: 2 devices");
  EXPECT_NE(mail->text.find("Chromebook 3100, asset tag CB-1001, lent to Ada <Lovelace>: was due 2026-12-01, 6 day(s) ago"),
            std::string::npos) << mail->text;
  EXPECT_NE(mail->text.find("Maple Middle (librarian@maple.example.org)"), std::string::npos);
  // Text is not HTML-escaped; HTML is, including names.
  EXPECT_NE(mail->html.find("Ada &lt;Lovelace&gt;"), std::string::npos);
  EXPECT_EQ(mail->html.find("Ada <Lovelace>"), std::string::npos);
  for (NoticeKind k : kAllNoticeKinds) {
    for (const char* part : {"subject", "txt", "html"}) EXPECT_FALSE(builtinTemplate(k, part).empty());
  }
  nlohmann::json one = overdueContext();
  one["items"].erase(1);
  one["several"] = false;
  one["count"] = 1;
  EXPECT_EQ(renderMail(NoticeKind::overdue, one, "")->subject, "Overdue: Chromebook 3100 CB-1001, due 2026-12-01");
}

TEST(Templates, OverridesFromTemplatesDirWin) {
  const auto dir = std::filesystem::temp_directory_path() / ("fk-templates-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "overdue.subject.mustache") << "Late: {{#items}}{{tag}} {{/items}}";
  std::ofstream(dir / "overdue.html.mustache") << "<p>{{{names}}}</p>";
  const auto mail = renderMail(NoticeKind::overdue, overdueContext(), dir);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->subject, "Late: CB-1001 CB-1002");
  EXPECT_EQ(mail->html, "<p>Ada &lt;Lovelace&gt; and Bob Lovelace</p>");  // escaped even in {{{ }}}
  EXPECT_NE(mail->text.find("overdue"), std::string::npos);               // the built-in text stays
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fk
