#include "notify/smtp_sender.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(SmtpSender, HeadersEncodeNonAsciiAndKeepTheBareAddressApart) {
  SmtpConfig smtp;
  smtp.from = "Bibliothèque <library@example.org>";
  smtp.from_address = "library@example.org";
  OutgoingMail mail{{"p@example.org"}, {"lib@example.org"}, {"Überfällig: CB-1", "t", "h"}, "<x@example.org>"};
  const auto h = mailHeaders(smtp, mail, 0);
  EXPECT_EQ(h[0], "Date: Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(h[1], "From: =?UTF-8?B?QmlibGlvdGjDqHF1ZQ==?= <library@example.org>");
  EXPECT_EQ(h[2], "To: p@example.org");
  EXPECT_EQ(h[3], "Cc: lib@example.org");
  EXPECT_EQ(h[4], "Subject: =?UTF-8?B?w5xiZXJmw6RsbGlnOiBDQi0x?=");
  EXPECT_EQ(h[5], "Message-ID: <x@example.org>");
  EXPECT_EQ(encodeHeaderWord("plain"), "plain");
}

TEST(SmtpSender, NoServerIsATransientFailureWithoutAReplyCode) {
  SmtpConfig smtp;
  smtp.url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  smtp.from = smtp.from_address = "library@example.org";
  smtp.starttls = StartTls::never;
  smtp.timeout = std::chrono::seconds(5);
  const auto out = sendMail(smtp, "", {{"p@example.org"}, {}, {"s", "t", "h"}, "<x@example.org>"});
  EXPECT_EQ(out.result, SendOutcome::Result::transient);
  EXPECT_EQ(out.code, 0);
  EXPECT_FALSE(out.message.empty());
}

}  // namespace
}  // namespace fk
