#pragma once

// Sends one mail through libcurl's SMTP (smtp:// with STARTTLS per config, or smtps://), as
// multipart/alternative text and HTML, and says whether a failure is worth retrying (RFC 5321: 4yz
// and transport errors are transient, 5yz permanent except 552).

#include <string>
#include <vector>

#include "core/notify_config.hpp"
#include "notify/templates.hpp"

namespace fk {

struct OutgoingMail {
  std::vector<std::string> to, cc;
  RenderedMail content;
  std::string message_id;  // "<...>"; derived from the notice's key so a resend would be recognisable
};

struct SendOutcome {
  enum class Result { sent, transient, permanent } result = Result::sent;
  int code = 0;         // the last SMTP reply code; 0 when there was none (connect, timeout, drop)
  std::string message;  // for the outbox's last_error; never holds the password
};

// `password` is the content of smtp.password_file ("" = no AUTH).
SendOutcome sendMail(const SmtpConfig& smtp, const std::string& password, const OutgoingMail& mail);

// RFC 2047 encoded-word for a header value that is not plain ASCII; ASCII stays as it is.
std::string encodeHeaderWord(const std::string& text);

// The message's header lines (From, To, Cc, Subject, Date, Message-ID), as sent.
std::vector<std::string> mailHeaders(const SmtpConfig& smtp, const OutgoingMail& mail, std::time_t now);

}  // namespace fk
