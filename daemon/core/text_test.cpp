#include "core/text.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(ClassifyText, FirstFaultInOrder) {
  const TextRule one_line{.max_bytes = 5, .required = true};
  EXPECT_EQ(classifyText("hello", one_line), TextFault::none);
  EXPECT_EQ(classifyText("", one_line), TextFault::empty);
  EXPECT_EQ(classifyText("", TextRule{.max_bytes = 5}), TextFault::none);
  EXPECT_EQ(classifyText("hello!", one_line), TextFault::too_long);
  EXPECT_EQ(classifyText("\x01\x01\x01\x01\x01\x01", one_line), TextFault::too_long);  // length first
  EXPECT_EQ(classifyText("a\xC3\x01", one_line), TextFault::not_utf8);                 // then UTF-8
  EXPECT_EQ(classifyText("a\x7F", one_line), TextFault::control);
  EXPECT_EQ(classifyText("a\nb", one_line), TextFault::control);
}

TEST(ClassifyText, AllowedControlsOnly) {
  const TextRule lf_tab{.max_bytes = 100, .allowed_controls = "\n\t"};
  EXPECT_EQ(classifyText("a\nb\tc", lf_tab), TextFault::none);
  EXPECT_EQ(classifyText("a\r\nb", lf_tab), TextFault::control);
  EXPECT_EQ(classifyText(std::string("a\0b", 3), lf_tab), TextFault::control);
  EXPECT_EQ(classifyText("a\r\nb", TextRule{.max_bytes = 100, .allowed_controls = kLineBreaks}),
            TextFault::none);
}

TEST(CheckText, FieldListWording) {
  std::vector<FieldError> errors;
  checkText(errors, "serial", std::string("x\x01"), 10);
  checkText(errors, "notes", std::string("line\r\nnext"), 10, true);
  checkText(errors, "model", std::string(11, 'x'), 10);
  checkText(errors, "location", std::string("\xFF"), 10);
  checkText(errors, "absent", std::nullopt, 10);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "serial");
  EXPECT_EQ(errors[0].message, "must not contain control characters");
  EXPECT_EQ(errors[1].field, "model");
  EXPECT_EQ(errors[1].message, "must be at most 10 bytes");
  EXPECT_EQ(errors[2].field, "location");
  EXPECT_EQ(errors[2].message, "is not valid UTF-8");
}

}  // namespace
}  // namespace fk
