#include "core/password_policy.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(PasswordPolicy, TenCharactersIsTheMinimum) {
  EXPECT_FALSE(checkPasswordPolicy("").has_value());
  EXPECT_FALSE(checkPasswordPolicy("123456789").has_value());
  EXPECT_TRUE(checkPasswordPolicy("1234567890").has_value());
}

TEST(PasswordPolicy, CharactersNotBytesAreCounted) {
  // Nine characters, eighteen bytes.
  EXPECT_FALSE(checkPasswordPolicy("ééééééééé").has_value());
  EXPECT_TRUE(checkPasswordPolicy("éééééééééé").has_value());
}

TEST(PasswordPolicy, TheRefusalNamesTheFieldNotThePassword) {
  auto refused = checkPasswordPolicy("short-pw");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::invalid);
  EXPECT_EQ(refused.error().details.value("field", ""), "password");
  EXPECT_EQ(refused.error().message.find("short-pw"), std::string::npos);
}

TEST(PasswordPolicy, ControlCharactersAndHugePasswordsAreRefused) {
  EXPECT_FALSE(checkPasswordPolicy("long enough\npassword").has_value());
  EXPECT_FALSE(checkPasswordPolicy(std::string(kMaxPasswordLength + 1, 'x')).has_value());
  EXPECT_TRUE(checkPasswordPolicy(std::string(kMaxPasswordLength, 'x')).has_value());
}

}  // namespace
}  // namespace fk
