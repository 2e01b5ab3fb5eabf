#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/config.hpp"

namespace fk {
namespace {

namespace fs = std::filesystem;

class NotifyConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fk-notify-config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "smtp-password") << "secret\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::expected<Config, std::vector<ConfigProblem>> load(const std::string& text) {
    std::ofstream(dir_ / "fk.yaml", std::ios::binary) << text;
    return loadConfig(dir_ / "fk.yaml");
  }
  std::string problems(const std::string& text) {
    auto c = load(text);
    if (c) return "ok";
    std::string out;
    for (const auto& p : c.error()) out += p.format().substr((dir_ / "fk.yaml").string().size()) + "\n";
    return out;
  }
  fs::path dir_;
};

TEST_F(NotifyConfigTest, TheInterfacesExampleParses) {
  auto c = load(R"(notifications:
  smtp: {url: "smtp://mail.example.org:587", from: "Library <library@example.org>", username: "fk",
         password_file: smtp-password, starttls: required}
  due_soon_days: [7, 1]
  overdue_days: [14, 1, 7]
  send_window: {days: mon-fri, hours: "07:00-18:00", timezone: America/Chicago}
  closed: ["2026-12-21..2027-01-01", "2027-02-15"]
  repair_ready: true
  weekly_digest: monday
  templates_dir: ""
  building_contacts: {"Maple Middle": librarian@maple.example.org}
)");
  ASSERT_TRUE(c) << c.error()[0].format();
  const auto& n = *c->notifications;
  EXPECT_EQ(n.smtp.from_address, "library@example.org");
  EXPECT_EQ(n.smtp.password_file, dir_ / "smtp-password");
  EXPECT_EQ(n.overdue_days, (std::vector<int>{1, 7, 14}));
  EXPECT_EQ(n.send_window.open_minute, 420);
  EXPECT_EQ(n.send_window.close_minute, 1080);
  EXPECT_FALSE(n.send_window.days[0]);
  EXPECT_TRUE(n.send_window.days[5]);
  EXPECT_EQ(n.closed.size(), 2u);
  EXPECT_EQ(n.closed[1].first, "2027-02-15");
  EXPECT_EQ(n.weekly_digest, 1);
  EXPECT_EQ(n.building_contacts.at("Maple Middle"), "librarian@maple.example.org");
}

TEST_F(NotifyConfigTest, ProblemsArePositioned) {
  EXPECT_EQ(problems(R"(notifications:
  smtp: {url: "http://x", from: "Library <library>"}
  overdue_days: [1, 1]
  send_window: {days: mon-fry, hours: "18:00-07:00", timezone: America/Chicag}
  closed: ["2027-01-01..2026-12-21"]
  weekly_digest: someday
)"),
            ":2:15: notifications.smtp.url: \"http://x\" is not an smtp:// or smtps:// URL (e.g. "
            "smtp://mail.example.org:587)\n"
            ":2:33: notifications.smtp.from: \"Library <library>\" is not an address (\"Library "
            "<library@example.org>\" or library@example.org)\n"
            ":3:21: notifications.overdue_days: 1 is listed twice\n"
            ":4:23: notifications.send_window.days: \"mon-fry\" is not a list of weekdays (e.g. mon-fri or "
            "mon,wed,fri)\n"
            ":4:39: notifications.send_window.hours: \"18:00-07:00\" is not a range of hours HH:MM-HH:MM within "
            "one day (e.g. 07:00-18:00)\n"
            ":4:64: notifications.send_window.timezone: unknown time zone \"America/Chicag\" (an IANA name such "
            "as America/Chicago, from /usr/share/zoneinfo)\n"
            ":5:12: notifications.closed: \"2027-01-01..2026-12-21\" is not a date or a range FIRST..LAST (e.g. "
            "2026-12-21..2027-01-01)\n"
            ":6:18: notifications.weekly_digest: \"someday\" is not a weekday (monday ... sunday) or off\n"
            ":1:1: notifications: missing required key \"smtp.from\"\n");
}

}  // namespace
}  // namespace fk
