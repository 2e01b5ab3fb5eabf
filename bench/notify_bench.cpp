// Notification figures (docs/performance.md): planning over 100,000 people with 50,000 open loans
// (facts loaded from a real SQLite file, the pure planner, the outbox insert), and the send rate through
// libcurl's SMTP to a local server. Driven by bench/notify_bench.py, which starts the SMTP server.
//   notify_bench --people 100000 --loans 50000 --smtp-port PORT --sends 500
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/circulation.hpp"
#include "core/notify_plan.hpp"
#include "core/values.hpp"
#include "notify/smtp_sender.hpp"
#include "notify/templates.hpp"
#include "store/outbox_store.hpp"

using namespace fk;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  int people = 100000, loans = 50000, port = 0, sends = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--people")) people = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--loans")) loans = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--smtp-port")) port = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--sends")) sends = std::atoi(argv[i + 1]);
  }
  const auto dir = std::filesystem::temp_directory_path() / ("fk-notify-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto db = Database::open(dir / "bench.db");
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;
  const auto zone = *TimeZone::locate("America/Chicago");
  const std::string today = zone.local(std::chrono::system_clock::now()).date;
  // Registry: people (every 3rd shares a household address with the one before, every 20th has none),
  // devices and open loans with due dates spread over 60 days either side of today.
  (*db)->with([&](SQLite::Database& c) {
    SQLite::Transaction tx(c);
    SQLite::Statement p(c, "INSERT INTO people (external_id, name, email, role, location, created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, 'student', ?4, 'x', 'x')");
    for (int i = 0; i < people; ++i) {
      p.bind(1, "S" + std::to_string(i));
      p.bind(2, "Student " + std::to_string(i));
      if (i % 20 == 0)
        p.bind(3);
      else
        p.bind(3, "family" + std::to_string(i % 3 == 2 ? i - 1 : i) + "@example.org");
      p.bind(4, "School " + std::to_string(i % 40));
      p.exec();
      p.reset();
    }
    SQLite::Statement d(c, "INSERT INTO devices (asset_tag, model, status, created_at, updated_at) "
                           "VALUES (?1, 'Chromebook 3100', 'deployed', 'x', 'x')");
    SQLite::Statement l(c, "INSERT INTO checkouts (device_id, person_id, due, checked_out_at, checked_out_by) "
                           "VALUES (?1, ?2, ?3, '2026-01-05T08:00:00Z', 'bench')");
    for (int i = 0; i < loans; ++i) {
      d.bind(1, "CB-" + std::to_string(i));
      d.exec();
      d.reset();
      l.bind(1, c.getLastInsertRowid());
      l.bind(2, static_cast<std::int64_t>(i * 2 % people + 1));
      l.bind(3, addDays(today, i % 121 - 60));
      l.exec();
      l.reset();
    }
    tx.commit();
  });
  NotificationsConfig config;
  config.send_window.timezone = "America/Chicago";
  config.weekly_digest = weekdayOf(today);
  for (int b = 0; b < 40; ++b) config.building_contacts["School " + std::to_string(b)] = "lib" + std::to_string(b) + "@example.org";
  const NoticeCalendar calendar(config, zone);

  auto t0 = Clock::now();
  auto facts = loadNoticeFacts(**db, zone, "2026-01-01T00:00:00Z");
  const double load_s = since(t0);
  t0 = Clock::now();
  const auto plan = planNotices(config, calendar, {today, std::move(facts->loans), std::move(facts->repairs)});
  const double plan_s = since(t0);
  t0 = Clock::now();
  OutboxStore outbox(**db);
  const int added = *outbox.enqueue(plan.notices, [](const Notice&) { return std::string("2026-01-01T00:00:00Z"); });
  const double enqueue_s = since(t0);
  t0 = Clock::now();
  const int again = *outbox.enqueue(plan.notices, [](const Notice&) { return std::string("2026-01-01T00:00:00Z"); });
  const double replan_s = since(t0);
  std::printf("people %d, open loans %d: %zu notices (%d without email)\n", people, loans, plan.notices.size(),
              plan.people_without_email);
  std::printf("load facts %.3f s, plan %.3f s, outbox insert %.3f s (%d new), re-plan insert %.3f s (%d new)\n",
              load_s, plan_s, enqueue_s, added, replan_s, again);

  if (port > 0) {
    SmtpConfig smtp;
    smtp.url = "smtp://127.0.0.1:" + std::to_string(port);
    smtp.from = smtp.from_address = "library@example.org";
    smtp.starttls = StartTls::never;
    const auto mail = renderMail(NoticeKind::overdue, plan.notices.front().context, "");
    t0 = Clock::now();
    int ok = 0;
    for (int i = 0; i < sends; ++i) {
      OutgoingMail m{{"p" + std::to_string(i) + "@example.org"}, {}, *mail, "<b" + std::to_string(i) + "@example.org>"};
      ok += sendMail(smtp, "", m).result == SendOutcome::Result::sent;
    }
    const double send_s = since(t0);
    std::printf("sent %d/%d mails in %.3f s: %.0f mails/s (one connection per mail)\n", ok, sends, send_s,
                ok / send_s);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
