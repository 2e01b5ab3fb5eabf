// Reconciliation benchmark: one source's poll of N devices through ReconcileStore (the code every
// source's poll ends in), against the bare sqlite3 shell importing the same rows.
//
//   reconcile_bench [--devices 100000] [--keep DIR]
//
// Runs, in one process and one temporary folder:
//   1. first sync: N unknown devices (Google-like records: device id, serial, model, org unit, MAC, OS
//      version, last sync) created, each with its event, MAC and sighting, in one transaction;
//   2. unchanged re-sync: the same N records again; nothing may be written beyond bookkeeping;
//   3. re-sync with 1% of the records changed;
//   4. unchanged re-sync after someone else wrote the database: the kept index is read again;
//   5. baseline: `sqlite3` .import of the same rows as CSV into a bare table.
// The polls go through one ReconcileStore, as a source's runner keeps one.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "store/database.hpp"
#include "store/reconcile_store.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string mac(std::size_t i) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:00:%02zx:%02zx:%02zx:%02zx", (i >> 24) & 0xff, (i >> 16) & 0xff,
                (i >> 8) & 0xff, i & 0xff);
  return buf;
}

std::vector<fk::api::Observation> fleet(std::size_t n, std::size_t changed_every) {
  static const char* kModels[] = {"HP Chromebook 11 G9 EE", "Lenovo 300e Chromebook Gen 3",
                                  "Acer Chromebook Spin 511"};
  static const char* kSchools[] = {"Maple Elementary", "Oak Middle", "Cedar High", "Birch Elementary"};
  const auto synced = fk::api::Clock::from_time_t(1'795'000'000);
  std::vector<fk::api::Observation> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    fk::api::Observation o;
    o.source_id = "dev-" + std::to_string(1'000'000 + i);
    o.origin = "page " + std::to_string(i / 300 + 1) + " item " + std::to_string(i % 300 + 1);
    o.fields["serial"] = "5CD" + std::to_string(7'000'000 + i);
    o.fields["model"] = kModels[i % 3];
    o.fields["org_unit"] = std::string("/Students/") + kSchools[i % 4];
    o.fields["aue_date"] = "2030-06-01";
    const bool changed = changed_every && i % changed_every == 0;
    o.fields["location"] =
        std::string(kSchools[i % 4]) + (changed ? " / Library" : " / Cart " + std::to_string(i % 12 + 1));
    o.macs = {mac(i)};
    o.extra["os_version"] = "120.0.6099.235";
    o.extra["user"] = "student" + std::to_string(i) + "@example.org";
    o.last_sync = synced;
    out.push_back(std::move(o));
  }
  return out;
}

// Wall time and CPU time (this process and its children): on a shared, loaded machine the wall time
// mostly measures waiting for a core, so the CPU time is the figure to compare.
struct Took {
  double wall = 0;
  double cpu = 0;
};

double cpuSeconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    ::getrusage(who, &u);
    total += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

Took timed(const std::function<void()>& fn) {
  const auto start = Clock::now();
  const double cpu = cpuSeconds();
  fn();
  return {std::chrono::duration<double>(Clock::now() - start).count(), cpuSeconds() - cpu};
}

fk::ReconcileSummary poll(fk::ReconcileStore& store, std::vector<fk::api::Observation> seen, int hour) {
  fk::PollObservations p{.source = "google",
                         .managed = std::move(seen),
                         .complete_listing = true,
                         .next_state = "{\"cursor\":" + std::to_string(hour) + "}",
                         .poll_time = fk::api::Clock::from_time_t(1'796'000'000) + std::chrono::hours(hour)};
  auto r = store.apply(std::move(p));
  if (!r) {
    std::cerr << "reconcile failed: " << r.error().message << '\n';
    std::exit(1);
  }
  return *r;
}

std::int64_t count(fk::Database& db, const char* sql) {
  return *db.with(
      [&](SQLite::Database& c) -> fk::Result<std::int64_t> { return c.execAndGet(sql).getInt64(); });
}

// The same rows the first sync stores, as the sqlite3 shell would take them from a CSV file.
Took sqliteBaseline(const fs::path& dir, const std::vector<fk::api::Observation>& seen) {
  const fs::path csv = dir / "baseline.csv";
  {
    std::ofstream out(csv);
    out << "source_id,serial,model,org_unit,aue_date,location,mac,os_version,user\n";
    for (const auto& o : seen)
      out << o.source_id << ',' << o.fields.at("serial") << ',' << o.fields.at("model") << ','
          << o.fields.at("org_unit") << ',' << o.fields.at("aue_date") << ",\"" << o.fields.at("location")
          << "\"," << o.macs[0] << ',' << o.extra.at("os_version") << ',' << o.extra.at("user") << '\n';
  }
  const fs::path db = dir / "baseline.db";
  const std::string script = ".mode csv\n.import " + csv.string() + " devices\n";
  return timed([&] {
    FILE* shell = ::popen(("sqlite3 " + db.string()).c_str(), "w");
    if (!shell) {
      std::cerr << "cannot run sqlite3\n";
      std::exit(1);
    }
    std::fputs(script.c_str(), shell);
    if (::pclose(shell) != 0) {
      std::cerr << "sqlite3 failed\n";
      std::exit(1);
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 100'000;
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--devices") && i + 1 < argc)
      n = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--keep") && i + 1 < argc)
      keep = argv[++i];
    else {
      std::cerr << "usage: reconcile_bench [--devices N] [--keep DIR]\n";
      return 2;
    }
  }
  const fs::path dir = keep.empty()
                           ? fs::temp_directory_path() / ("reconcile_bench." + std::to_string(::getpid()))
                           : fs::path(keep);
  fs::create_directories(dir);
  auto opened = fk::Database::open(dir / "fleetkeep.db");
  if (!opened) {
    std::cerr << opened.error().message << '\n';
    return 1;
  }
  fk::Database& db = **opened;

  const auto seen = fleet(n, 0);
  fk::ReconcileStore store(db);
  fk::ReconcileSummary s;
  // Each poll gets its own copy, made before the clock starts: the runner hands the core its buffer.
  auto listing = seen;
  const Took first = timed([&] { s = poll(store, std::move(listing), 0); });
  if (s.created != n) {
    std::cerr << "first sync created " << s.created << " of " << n << '\n';
    return 1;
  }
  const std::int64_t events = count(db, "SELECT count(*) FROM events");
  listing = seen;
  const Took again = timed([&] { s = poll(store, std::move(listing), 1); });
  if (s.unchanged != n || count(db, "SELECT count(*) FROM events") != events) {
    std::cerr << "unchanged re-sync changed something: " << s.unchanged << " unchanged\n";
    return 1;
  }
  auto one_percent = fleet(n, 100);  // generated outside the timing: the plugin's work, not the core's
  auto listing_again = one_percent;
  const Took some = timed([&] { s = poll(store, std::move(one_percent), 2); });
  const std::size_t changed = s.updated;
  const std::uint64_t reused = store.indexReuses();
  db.noteWrite();  // as an API edit or another source would
  const Took reloaded = timed([&] { s = poll(store, std::move(listing_again), 3); });
  if (s.unchanged != n || store.indexReuses() != reused || reused != 2) {
    std::cerr << "the index was not kept and dropped as expected: " << reused << " reuses\n";
    return 1;
  }
  const Took baseline = sqliteBaseline(dir, seen);

  std::printf("reconcile %zu devices (one source, one transaction per poll)      wall s    cpu s\n", n);
  std::printf("  first sync: all created (%lld events)                  %8.2f %8.2f\n",
              static_cast<long long>(events), first.wall, first.cpu);
  std::printf("  unchanged re-sync: no registry rows written               %8.2f %8.2f\n", again.wall,
              again.cpu);
  std::printf("  re-sync, 1%% changed (%zu updated)                      %8.2f %8.2f\n", changed, some.wall,
              some.cpu);
  std::printf("  unchanged re-sync, index read again (another writer)    %8.2f %8.2f\n", reloaded.wall,
              reloaded.cpu);
  std::printf("  baseline: sqlite3 .import of the same rows               %8.2f %8.2f\n", baseline.wall,
              baseline.cpu);
  std::printf("  ratio first sync / sqlite3 (cpu):  %.1f\n", first.cpu / baseline.cpu);
  std::printf("  ratio unchanged re-sync / sqlite3 (cpu):  %.1f\n", again.cpu / baseline.cpu);
  std::printf("  ratio 1%% changed / sqlite3 (cpu):  %.1f\n", some.cpu / baseline.cpu);
  std::printf("  ratio unchanged re-sync, index read again / sqlite3 (cpu):  %.1f\n",
              reloaded.cpu / baseline.cpu);
  if (keep.empty()) fs::remove_all(dir);
  return 0;
}
