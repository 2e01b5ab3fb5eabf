#include "core/secret_file.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace fk {
namespace {

namespace fs = std::filesystem;

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fk-secret-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "creds");
    ::unsetenv("CREDENTIALS_DIRECTORY");
  }
  void TearDown() override {
    ::unsetenv("CREDENTIALS_DIRECTORY");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const fs::path& file, const std::string& content, fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
    { std::ofstream(file, std::ios::binary) << content; }
    fs::permissions(file, mode);
    return file;
  }
  fs::path dir_;
};

TEST_F(SecretFileTest, ReadsTheFileWithoutItsLineEnd) {
  const auto file = write(dir_ / "smtp-password", "s3cret \r\n");
  auto s = readSecretFile(file, "password_file");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->text, "s3cret ");
  EXPECT_EQ(s->source, file);
  EXPECT_FALSE(s->shared);
  EXPECT_EQ(s->warning, "");
}

TEST_F(SecretFileTest, PrefersTheCredentialOfTheSameNameUnderSystemd) {
  const auto file = write(dir_ / "intune.secret", "from-the-config-path");
  write(dir_ / "creds" / "intune.secret", "from-load-credential\n", fs::perms::owner_read);
  ::setenv("CREDENTIALS_DIRECTORY", (dir_ / "creds").c_str(), 1);
  auto s = readSecretFile(file, "client_secret_file");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->text, "from-load-credential");
  EXPECT_EQ(s->source, dir_ / "creds" / "intune.secret");
  EXPECT_EQ(secretSource(file), dir_ / "creds" / "intune.secret");

  // A secret the unit does not load is still read from its configured path.
  const auto other = write(dir_ / "snipeit.token", "tok");
  EXPECT_EQ(secretSource(other), other);
  EXPECT_EQ(readSecretFile(other, "api_token_file")->text, "tok");
}

TEST_F(SecretFileTest, ACredentialNeedsNoConfiguredFile) {
  write(dir_ / "creds" / "google-service-account.json", "{}", fs::perms::owner_read);
  ::setenv("CREDENTIALS_DIRECTORY", (dir_ / "creds").c_str(), 1);
  auto s = readSecretFile("/etc/credstore/google-service-account.json", "credentials_file");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->text, "{}");
}

TEST_F(SecretFileTest, CapsTheSize) {
  const auto fits = write(dir_ / "fits", std::string(kMaxSecretFileBytes, 'k'));
  EXPECT_TRUE(readSecretFile(fits, "credentials_file").has_value());
  const auto big = write(dir_ / "big", std::string(kMaxSecretFileBytes + 1, 'k'));
  auto s = readSecretFile(big, "credentials_file");
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("too large"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("credentials_file"), std::string::npos);
}

TEST_F(SecretFileTest, WarnsOnceAboutAFileOthersCanRead) {
  const auto file = write(dir_ / "shared.secret", "hunter2",
                          fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto first = readSecretFile(file, "client_secret_file");
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->shared);
  EXPECT_NE(first->warning.find("chmod 600"), std::string::npos);
  EXPECT_EQ(first->warning.find("hunter2"), std::string::npos);
  auto again = readSecretFile(file, "client_secret_file");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->shared);
  EXPECT_EQ(again->warning, "");
}

TEST_F(SecretFileTest, RefusesMissingEmptyAndNonRegularFilesWithoutShowingContent) {
  EXPECT_FALSE(readSecretFile(dir_ / "absent", "password_file").has_value());
  auto empty = readSecretFile(write(dir_ / "empty", "\n"), "password_file");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
  auto folder = readSecretFile(dir_ / "creds", "password_file");
  ASSERT_FALSE(folder.has_value());
  EXPECT_NE(folder.error().message.find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace fk
