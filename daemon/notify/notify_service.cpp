#include "notify/notify_service.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "core/notify_calendar.hpp"
#include "core/notify_plan.hpp"
#include "core/secret_file.hpp"
#include "core/values.hpp"
#include "notify/smtp_sender.hpp"
#include "notify/templates.hpp"
#include "store/outbox_store.hpp"

namespace fk {

namespace {

constexpr auto kIdlePoll = std::chrono::seconds(1);  // another daemon, or a retry coming due
constexpr auto kWindowRecheck = std::chrono::seconds(60);  // a reload may have changed the window

// The SMTP password, through the one secret reader (core/secret_file.hpp). An unreadable file sends
// without AUTH, so the server's refusal says what is wrong; the reason is logged.
std::string readPassword(const std::filesystem::path& file) {
  if (file.empty()) return "";
  auto secret = readSecretFile(file, "smtp.password_file");
  if (!secret) {
    spdlog::warn("{}", secret.error().message);
    return "";
  }
  if (!secret->warning.empty()) spdlog::warn("{}", secret->warning);
  return std::move(secret->text);
}

std::string makeOwner() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd());
}

std::chrono::seconds backoff(const SmtpConfig& smtp, int attempts) {
  auto d = smtp.retry_initial;
  for (int i = 1; i < attempts && d < smtp.retry_max; ++i) d *= 2;
  return std::min(d, smtp.retry_max);
}

}  // namespace

NotifyService::NotifyService(Database& db, std::function<std::shared_ptr<const Config>()> config,
                             std::function<Clock::time_point()> now)
    : db_(db), config_(std::move(config)), now_(std::move(now)), owner_(makeOwner()) {}

NotifyService::~NotifyService() {
  stop();
}

void NotifyService::start() {
  planner_ = std::jthread([this](std::stop_token s) { planLoop(s); });
  sender_ = std::jthread([this](std::stop_token s) { sendLoop(s); });
}

void NotifyService::stop() {
  planner_.request_stop();
  sender_.request_stop();
  wake_.notify_all();
  if (planner_.joinable()) planner_.join();
  if (sender_.joinable()) sender_.join();
}

template <class Pred>
void NotifyService::sleepFor(std::stop_token& stop, std::chrono::milliseconds d, Pred wake) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop, d, wake);
}

Result<PlanSummary> NotifyService::planNow() {
  const auto config = config_();
  if (!config->notifications) return std::unexpected(Error::conflict("notifications are not configured"));
  const NotificationsConfig& n = *config->notifications;
  auto zone = TimeZone::locate(n.send_window.timezone);
  if (!zone) return std::unexpected(zone.error());
  const NoticeCalendar calendar(n, *zone);
  const auto now = now_();
  const std::string today = calendar.today(now);
  auto facts = loadNoticeFacts(db_, *zone, formatInstant(now - std::chrono::days(kCatchUpDays + 2)));
  if (!facts) return std::unexpected(facts.error());
  const NoticePlan plan = planNotices(n, calendar,
                                     {today, std::move(facts->loans), std::move(facts->repairs),
                                      std::move(facts->collections)});
  const std::string not_before = formatInstant(calendar.nextSendInstant(now));
  auto added = OutboxStore(db_).enqueue(plan.notices, [&](const Notice&) { return not_before; });
  if (!added) return std::unexpected(added.error());
  if (*added > 0) {
    {
      std::lock_guard lock(mutex_);
      work_ = true;
    }
    wake_.notify_all();
  }
  return PlanSummary{static_cast<int>(plan.notices.size()), *added, plan.people_without_email, today};
}

void NotifyService::planLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    auto config = config_();
    if (config->notifications) {
      if (auto s = planNow())
        spdlog::info("notifications planned for {}: {} due, {} new, {} people without an email address", s->day,
                     s->planned, s->added, s->people_without_email);
      else
        spdlog::error("planning notifications failed: {}", s.error().message);
    }
    const auto interval = config->notifications ? config->notifications->plan_interval : std::chrono::seconds(60);
    sleepFor(stop, std::chrono::duration_cast<std::chrono::milliseconds>(interval), [] { return false; });
  }
}

void NotifyService::sendLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    auto config = config_();
    std::chrono::milliseconds pause = kIdlePoll;
    if (config->notifications) {
      const auto& n = *config->notifications;
      if (auto zone = TimeZone::locate(n.send_window.timezone)) {
        const NoticeCalendar calendar(n, *zone);
        const auto now = now_();
        if (auto r = OutboxStore(db_).failInterrupted(formatInstant(now)); r && *r > 0)
          spdlog::warn("{} notification(s) were being sent when a daemon stopped; marked failed, not resent", *r);
        if (!calendar.canSendAt(now)) {
          const auto open = calendar.nextSendInstant(now);
          pause = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::min<Clock::duration>(open - now, kWindowRecheck));
        } else if (sendOne(*config)) {
          // The rate limit: spacing between mails, not a burst allowance.
          pause = std::chrono::milliseconds(60'000 / n.smtp.rate_per_minute);
        }
      }
    }
    sleepFor(stop, std::max(pause, std::chrono::milliseconds(1)), [this] { return std::exchange(work_, false); });
  }
}

bool NotifyService::sendOne(const Config& config) {
  const auto& n = *config.notifications;
  OutboxStore outbox(db_);
  const auto now = now_();
  // The lease outlives any send (curl's own timeout bounds it), so a live sender never loses its claim.
  auto claimed = outbox.claimNext(formatInstant(now), owner_, formatInstant(now + n.smtp.timeout * 2 + std::chrono::seconds(60)));
  if (!claimed) {
    spdlog::error("notification outbox: {}", claimed.error().message);
    return false;
  }
  if (!*claimed) return false;
  const OutboxRow& row = **claimed;
  const NoticeKind kind = parseNoticeKind(row.kind).value_or(NoticeKind::overdue);
  auto content = renderMail(kind, row.context, n.templates_dir);
  if (!content) {
    // A broken override would fail every retry the same way: visible as failed at once.
    (void)outbox.markFailed(row.id, content.error().message, 0);
    spdlog::error("notification {} ({} {}): {}", row.id, row.kind, row.day, content.error().message);
    return true;
  }
  const std::string domain = n.smtp.from_address.substr(n.smtp.from_address.find('@') + 1);
  OutgoingMail mail{row.to, row.cc, std::move(*content),
                    "<fleetkeep." + row.kind + "." + std::to_string(row.id) + "." + row.day + "@" + domain + ">"};
  const SendOutcome out = sendMail(n.smtp, readPassword(n.smtp.password_file), mail);
  const std::string done = formatInstant(now_());
  Status st;
  if (out.result == SendOutcome::Result::sent) {
    st = outbox.markSent(row.id, done);
    spdlog::info("notification {} sent: {} to {} recipient(s)", row.id, row.kind, row.to.size() + row.cc.size());
  } else if (out.result == SendOutcome::Result::permanent || row.attempts >= n.smtp.max_attempts) {
    st = outbox.markFailed(row.id, out.message, out.code);
    spdlog::error("notification {} failed for good after {} attempt(s): {}", row.id, row.attempts, out.message);
  } else {
    const NoticeCalendar calendar(n, *TimeZone::locate(n.send_window.timezone));
    const auto next = calendar.nextSendInstant(now_() + backoff(n.smtp, row.attempts));
    st = outbox.markRetry(row.id, formatInstant(next), out.message, out.code);
    spdlog::warn("notification {} not sent (attempt {}): {}; retrying at {}", row.id, row.attempts, out.message,
                 formatInstant(next));
  }
  if (!st) spdlog::error("notification {}: recording the outcome failed: {}", row.id, st.error().message);
  return true;
}

Result<nlohmann::json> previewNotice(Database& db, const Config& config, const std::string& kind_text,
                                     const std::string& person) {
  if (!config.notifications) return std::unexpected(Error::conflict("notifications are not configured"));
  const auto& n = *config.notifications;
  auto kind = parseNoticeKind(kind_text);
  if (!kind || *kind == NoticeKind::weekly_digest)
    return std::unexpected(Error::invalid("kind", "\"" + kind_text + "\" is not due_soon, overdue or repair_ready"));
  auto zone = TimeZone::locate(n.send_window.timezone);
  if (!zone) return std::unexpected(zone.error());
  const auto now = std::chrono::system_clock::now();
  const std::string today = zone->local(now).date;
  auto found = db.with([&](SQLite::Database& c) -> Result<nlohmann::json> {
    SQLite::Statement st(c, "SELECT name, COALESCE(email, '') FROM people WHERE external_id = ?1");
    st.bind(1, person);
    if (!st.executeStep()) return std::unexpected(Error::notFound("no person " + person));
    return nlohmann::json{{"name", st.getColumn(0).getString()}, {"email", st.getColumn(1).getString()}};
  });
  if (!found) return std::unexpected(found.error());
  auto facts = loadNoticeFacts(db, *zone, formatInstant(now - std::chrono::days(365)), person);
  if (!facts) return std::unexpected(facts.error());
  std::vector<RepairFact> ready;
  for (const auto& r : facts->repairs)
    if (!r.resolved.empty() && r.holder_waiting) ready.push_back(r);
  if ((*kind == NoticeKind::repair_ready ? ready.empty() : facts->loans.empty()))
    return std::unexpected(Error::invalid("person", person + " has no " +
                                                        (*kind == NoticeKind::repair_ready ? "resolved repair"
                                                                                           : "open loan") +
                                                        " to write about"));
  const auto context = previewContext(*kind, n, today, facts->loans, ready);
  auto mail = renderMail(*kind, context, n.templates_dir);
  if (!mail) return std::unexpected(mail.error());
  nlohmann::json cc = nlohmann::json::array();
  if (*kind == NoticeKind::overdue) {
    for (const auto& l : facts->loans) {
      auto contact = n.building_contacts.find(l.building);
      if (contact != n.building_contacts.end()) cc.push_back(contact->second);
    }
  }
  return nlohmann::json{{"kind", kind_text}, {"to", (*found)["email"]}, {"cc_at_last_step", cc},
                        {"subject", mail->subject}, {"text", mail->text}, {"html", mail->html},
                        {"context", context}};
}

}  // namespace fk
