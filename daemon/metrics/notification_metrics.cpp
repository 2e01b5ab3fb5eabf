#include "metrics/notification_metrics.hpp"

#include <spdlog/spdlog.h>

#include "core/notify_plan.hpp"
#include "store/outbox_store.hpp"

namespace fk {

NotificationMetrics::NotificationMetrics(prometheus::Registry& registry, Database& db)
    : db_(db),
      sent_(prometheus::BuildCounter()
                .Name("fleetkeep_notifications_sent_total")
                .Help("Notification mails the SMTP server accepted, by kind.")
                .Register(registry)),
      failed_(prometheus::BuildCounter()
                  .Name("fleetkeep_notifications_failed_total")
                  .Help("Notification mails given up on (5xx reply, retries exhausted, interrupted), by kind.")
                  .Register(registry)),
      queued_(prometheus::BuildGauge()
                  .Name("fleetkeep_notifications_queued")
                  .Help("Notification mails waiting in the outbox (including retries and ones being sent).")
                  .Register(registry)
                  .Add({})) {
  for (NoticeKind k : kAllNoticeKinds) {
    sent_.Add({{"kind", std::string(toString(k))}});
    failed_.Add({{"kind", std::string(toString(k))}});
  }
}

void NotificationMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const auto generation = db_.generation();
  if (!force && generation == seen_generation_) return;
  auto counts = OutboxStore(db_).counts();
  if (!counts) {
    spdlog::error("notification metrics: {}", counts.error().message);
    return;
  }
  seen_generation_ = generation;
  queued_.Set(static_cast<double>(counts->queued));
  for (const auto& [kind, n] : counts->sent) raiseCounter(sent_.Add({{"kind", kind}}), n, sent_seen_[kind]);
  for (const auto& [kind, n] : counts->failed)
    raiseCounter(failed_.Add({{"kind", kind}}), n, failed_seen_[kind]);
}

}  // namespace fk
