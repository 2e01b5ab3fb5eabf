// The factory's YAML checks: every problem, at its line and column.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>

#include "google_admin.hpp"

namespace fk::google_admin {
namespace {

using ::testing::HasSubstr;

std::vector<api::ConfigIssue> check(const std::string& yaml) {
  return makeFactory()->validate(YAML::Load(yaml));
}

const char kGood[] =
    "name: google\n"
    "plugin: google_admin\n"
    "interval: 1h\n"
    "full_sync_interval: 1d\n"
    "on_unknown: create\n"
    "customer_id: my_customer\n"
    "credentials_file: /etc/fleetkeep/google-service-account.json\n"
    "subject: admin@example.org\n"
    "api_base_url: https://admin.googleapis.com\n"
    "token_url: \"\"\n"
    "max_results: 300\n"
    "max_retries: 3\n";

TEST(Config, SampleEntryIsAccepted) {
  EXPECT_TRUE(check(kGood).empty());
  EXPECT_EQ(makeFactory()->name(), "google_admin");
}

TEST(Config, ShippedSampleIsAccepted) {
  YAML::Node sample = YAML::LoadFile(std::string(GOOGLE_ADMIN_TESTDATA) + "/../sample.yaml");
  ASSERT_TRUE(sample["sources"].IsSequence());
  for (const auto& entry : sample["sources"]) {
    auto issues = makeFactory()->validate(entry);
    EXPECT_TRUE(issues.empty()) << issues.front().message;
  }
}

TEST(Config, UnknownKeyIsRefusedAtItsPosition) {
  auto issues = check(std::string(kGood) + "customer: C01\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, 13);
  EXPECT_EQ(issues[0].column, 1);
  EXPECT_EQ(issues[0].key, "customer");
  EXPECT_THAT(issues[0].message, HasSubstr("unknown key"));
}

TEST(Config, MissingRequiredKeysAreEachNamed) {
  auto issues = check("name: google\nplugin: google_admin\n");
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].line, 1);
  EXPECT_THAT(issues[0].message, HasSubstr("customer_id"));
  EXPECT_THAT(issues[1].message, HasSubstr("credentials_file"));
  EXPECT_THAT(issues[2].message, HasSubstr("subject"));
}

TEST(Config, WrongValuesPointAtTheValue) {
  auto issues = check(
      "customer_id: my_customer\n"
      "credentials_file: [a, b]\n"
      "subject: admin\n"
      "api_base_url: admin.googleapis.com\n"
      "token_url: ftp://x\n"
      "max_results: 500\n"
      "max_retries: many\n");
  ASSERT_EQ(issues.size(), 6u);
  EXPECT_EQ(issues[0].line, 2);
  EXPECT_EQ(issues[0].column, 19);
  EXPECT_EQ(issues[0].key, "credentials_file");
  EXPECT_EQ(issues[1].key, "subject");
  EXPECT_THAT(issues[1].message, HasSubstr("email"));
  EXPECT_EQ(issues[2].line, 4);
  EXPECT_EQ(issues[2].key, "api_base_url");
  EXPECT_EQ(issues[3].key, "token_url");
  EXPECT_EQ(issues[4].line, 6);
  EXPECT_EQ(issues[4].column, 14);
  EXPECT_THAT(issues[4].message, HasSubstr("1 to 300"));
  EXPECT_EQ(issues[5].key, "max_retries");
}

TEST(Config, EmptyValuesAreProblems) {
  auto issues = check("customer_id:\ncredentials_file: ''\nsubject: a@b\n");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].line, 1);
  EXPECT_EQ(issues[1].line, 2);
}

TEST(Config, CoreKeysAreNotThePluginsBusiness) {
  EXPECT_TRUE(check(std::string(kGood) + "timeout: 5m\noverwrite_manual: false\n").empty());
}

TEST(Config, CustomerIdCannotEscapeThePath) {
  auto issues = check("customer_id: ../x\ncredentials_file: k.json\nsubject: a@b\n");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "customer_id");
}

TEST(Config, CreatesASourceFromAValidEntry) {
  api::SourceSpec spec{"google", YAML::Load(kGood), "/etc/fleetkeep"};
  EXPECT_NE(makeFactory()->create(spec), nullptr);
}

}  // namespace
}  // namespace fk::google_admin
