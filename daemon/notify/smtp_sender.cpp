#include "notify/smtp_sender.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <ctime>
#include <memory>

namespace fk {

namespace {

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void append(Slist& list, const std::string& line) {
  list.reset(curl_slist_append(list.release(), line.c_str()));
}

bool isAscii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80 || c < 0x20) return false;
  return true;
}

// "Library <library@example.org>": the display name encoded, the address as is.
std::string encodeFrom(const SmtpConfig& smtp) {
  const auto lt = smtp.from.rfind('<');
  if (lt == std::string::npos) return smtp.from;
  std::string name = smtp.from.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return "<" + smtp.from_address + ">";
  return encodeHeaderWord(name) + " <" + smtp.from_address + ">";
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& a : list) out += (out.empty() ? "" : ", ") + a;
  return out;
}

SendOutcome::Result classify(CURLcode rc, long code) {
  if (rc == CURLE_OK) return SendOutcome::Result::sent;
  // 552 "too many recipients" is to be treated as the transient 452 (RFC 5321 4.5.3.1.10).
  if (code >= 500 && code < 600 && code != 552) return SendOutcome::Result::permanent;
  return SendOutcome::Result::transient;
}

}  // namespace

std::string encodeHeaderWord(const std::string& text) {
  if (isAscii(text)) return text;
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return "=?UTF-8?B?" + out + "?=";
}

std::vector<std::string> mailHeaders(const SmtpConfig& smtp, const OutgoingMail& mail, std::time_t now) {
  char date[64];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::vector<std::string> h{"Date: " + std::string(date), "From: " + encodeFrom(smtp), "To: " + joined(mail.to)};
  if (!mail.cc.empty()) h.push_back("Cc: " + joined(mail.cc));
  h.push_back("Subject: " + encodeHeaderWord(mail.content.subject));
  h.push_back("Message-ID: " + mail.message_id);
  return h;
}

SendOutcome sendMail(const SmtpConfig& smtp, const std::string& password, const OutgoingMail& mail) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {SendOutcome::Result::transient, 0, "libcurl could not start"};
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, smtp.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min<long>(smtp.timeout.count(), 30)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(smtp.timeout.count()));
  if (smtp.url.rfind("smtp://", 0) == 0) {
    curl_easy_setopt(c, CURLOPT_USE_SSL, smtp.starttls == StartTls::required ? CURLUSESSL_ALL
                                         : smtp.starttls == StartTls::optional ? CURLUSESSL_TRY
                                                                               : CURLUSESSL_NONE);
  }
  if (!smtp.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  // MAIL FROM takes the bare address: libcurl wraps it in <> itself.
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, smtp.from_address.c_str());
  Slist rcpt;
  for (const auto& a : mail.to) append(rcpt, a);
  for (const auto& a : mail.cc) append(rcpt, a);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());

  Slist headers;
  for (const auto& h : mailHeaders(smtp, mail, std::time(nullptr))) append(headers, h);
  // libcurl takes this for the top-level type and appends the boundary (7.88 mime.c).
  append(headers, "Content-Type: multipart/alternative");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(curl_mime_init(c), &curl_mime_free);
  auto addPart = [&](const std::string& body, const char* type) {
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_data(part, body.c_str(), body.size());
    curl_mime_type(part, type);
    // Without 8BITMIME on the server, 8bit parts are not safe; quoted-printable always is.
    curl_mime_encoder(part, "quoted-printable");
  };
  addPart(mail.content.text, "text/plain; charset=utf-8");
  addPart(mail.content.html, "text/html; charset=utf-8");
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  SendOutcome out{classify(rc, code), static_cast<int>(code), ""};
  if (rc != CURLE_OK) {
    out.message = std::string(curl_easy_strerror(rc)) + (error[0] ? std::string(": ") + error : std::string()) +
                  (code ? " (SMTP " + std::to_string(code) + ")" : std::string());
  }
  return out;
}

}  // namespace fk
