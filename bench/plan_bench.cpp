// Replacement plan over a 100,000-device registry: the pure plan, the store's load, and the whole
// GET /api/v1/reports/replacement-plan handler (load, plan, JSON or CSV body) without the network.
// Run: cmake --build build --target plan_bench && build/bin/plan_bench (figures in docs/performance.md).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <random>

#include "core/values.hpp"
#include "http/api_routes.hpp"
#include "store/planning_store.hpp"

namespace fk {
namespace {

constexpr int kDevices = 100'000;
constexpr int kWorkOrders = 20'000;
constexpr int kModels = 20;
constexpr int kLocations = 60;

std::string date(int year, int month, int day) {
  return formatDate(std::chrono::year_month_day{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                                                std::chrono::day{unsigned(day)}});
}

// A district-like fleet: mostly Chromebooks of a score of models bought over eight years, some with
// their own AUE, some without a purchase date, a fifth with a repair history.
struct Fleet {
  std::filesystem::path dir;
  std::unique_ptr<Database> db;
  std::shared_ptr<const Config> config;

  Fleet() {
    dir = std::filesystem::temp_directory_path() / ("fk-plan-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = std::move(*Database::open(dir / "fleet.db"));
    auto c = std::make_shared<Config>();
    c->planning.replacement_model = {{"chromebook", "Model 0"}};
    config = c;
    std::mt19937 rng(42);
    db->with([&](SQLite::Database& c) {
      SQLite::Transaction tx(c);
      SQLite::Statement model(
          c,
          "INSERT INTO models (model, kind, unit_cost_cents, life_years, aue_date, updated_at) "
          "VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')");
      for (int m = 0; m < kModels; ++m) {
        model.bind(1, "Model " + std::to_string(m));
        model.bind(2, m < 15 ? "chromebook" : "laptop");
        model.bind(3, static_cast<std::int64_t>(m < 15 ? 25000 + 1000 * m : 80000 + 5000 * m));
        model.bind(4, m < 15 ? 5 : 4);
        model.bind(5, date(2025 + m % 8, 6, 1));
        model.exec();
        model.reset();
      }
      SQLite::Statement dev(
          c,
          "INSERT INTO devices (asset_tag, serial, kind, model, purchase_date, purchase_price_cents, "
          "aue_date, location, status, repair_cost_cents, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
      const char* statuses[] = {"deployed", "deployed", "deployed", "in_stock", "in_repair", "retired"};
      for (int i = 0; i < kDevices; ++i) {
        const int m = static_cast<int>(rng() % kModels);
        dev.bind(1, "T" + std::to_string(i));
        dev.bind(2, "S" + std::to_string(i));
        dev.bind(3, m < 15 ? "chromebook" : "laptop");
        dev.bind(4, "Model " + std::to_string(m));
        if (rng() % 20 == 0)
          dev.bind(5);
        else
          dev.bind(5, date(2018 + static_cast<int>(rng() % 9), 1 + static_cast<int>(rng() % 12),
                           1 + static_cast<int>(rng() % 28)));
        dev.bind(6, static_cast<std::int64_t>(20000 + rng() % 60000));
        if (rng() % 10 == 0)
          dev.bind(7, date(2025 + static_cast<int>(rng() % 8), 6, 1));
        else
          dev.bind(7);
        dev.bind(8, "School " + std::to_string(rng() % kLocations));
        dev.bind(9, statuses[rng() % 6]);
        dev.bind(10, static_cast<std::int64_t>(rng() % 5 == 0 ? rng() % 30000 : 0));
        dev.exec();
        dev.reset();
      }
      SQLite::Statement wo(
          c,
          "INSERT INTO work_orders (device_id, category, description, status, prior_status, "
          "opened_by, opened_at, updated_at, closed_at, parts_cost_cents) "
          "VALUES (?1, 'screen', 'bench', 'resolved', 'deployed', 'bench', ?2, ?2, ?2, 5400)");
      for (int i = 0; i < kWorkOrders; ++i) {
        const std::string at = date(2025 + static_cast<int>(rng() % 2), 1 + static_cast<int>(rng() % 11),
                                    1 + static_cast<int>(rng() % 28)) +
                               "T10:00:00Z";
        wo.bind(1, static_cast<std::int64_t>(1 + rng() % kDevices));
        wo.bind(2, at);
        wo.exec();
        wo.reset();
      }
      tx.commit();
    });
  }
  ~Fleet() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

Fleet& fleet() {
  static Fleet f;
  return f;
}

const std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{11},
                                         std::chrono::day{27}};

void BM_BuildPlan(benchmark::State& state) {
  auto inputs = loadPlanInputs(*fleet().db, kToday);
  const auto rules = planningRules(*fleet().config, inputs->catalog);
  for (auto _ : state) {
    auto plan = buildPlan(inputs->devices, rules, kToday, PlanOptions{.years = 5});
    benchmark::DoNotOptimize(plan.total.count);
  }
  state.counters["devices"] = static_cast<double>(inputs->devices.size());
}
BENCHMARK(BM_BuildPlan)->Unit(benchmark::kMillisecond);

void BM_LoadPlanInputs(benchmark::State& state) {
  for (auto _ : state) {
    auto inputs = loadPlanInputs(*fleet().db, kToday);
    benchmark::DoNotOptimize(inputs->devices.size());
  }
}
BENCHMARK(BM_LoadPlanInputs)->Unit(benchmark::kMillisecond);

// What the handler does before it writes a body: load and plan in one call, as the route runs them.
// The handler's time minus this one is the cost of the body.
void runComputePlan(benchmark::State& state, const PlanOptions& options) {
  for (auto _ : state) {
    auto computed = computePlan(*fleet().db, *fleet().config, kToday, options);
    benchmark::DoNotOptimize(computed->plan.total.count);
  }
}
void BM_ComputePlan(benchmark::State& state) {
  runComputePlan(state, PlanOptions{.years = 5});
}
void BM_ComputePlanBudget(benchmark::State& state) {
  runComputePlan(state, PlanOptions{.years = 5, .budget_cents = 200'000'000});
}
BENCHMARK(BM_ComputePlan)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputePlanBudget)->Unit(benchmark::kMillisecond);

// The route handler end to end, as fleetkeepd runs it for one request, its body included.
void runHandler(benchmark::State& state, const std::string& query) {
  Fleet& f = fleet();
  ApiContext ctx{*f.db, [&f] { return f.config; }, {}, {}};
  Router router;
  registerPlanningRoutes(router, ctx);
  auto match = router.match("GET", "/api/v1/reports/replacement-plan");
  std::size_t bytes = 0;
  for (auto _ : state) {
    Request req;
    req.method = "GET";
    req.path = "/api/v1/reports/replacement-plan";
    if (!query.empty())
      req.query.emplace(query.substr(0, query.find('=')), query.substr(query.find('=') + 1));
    Response r = (*match.handler)(req);
    if (r.status != 200) state.SkipWithError(r.body.c_str());
    bytes = r.body.size();
    benchmark::DoNotOptimize(r.body.data());
    // A streamed body is written a piece at a time, as the server sends it.
    std::string piece;
    for (bool more = bool(r.stream); more; piece.clear()) {
      more = r.stream(piece);
      bytes += piece.size();
      benchmark::DoNotOptimize(piece.data());
    }
  }
  state.counters["body_MB"] = static_cast<double>(bytes) / 1e6;
}

void BM_PlanJson(benchmark::State& state) {
  runHandler(state, "");
}
void BM_PlanCsv(benchmark::State& state) {
  runHandler(state, "format=csv");
}
void BM_PlanJsonBudget(benchmark::State& state) {
  runHandler(state, "budget=2000000");
}
BENCHMARK(BM_PlanJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanCsv)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanJsonBudget)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fk

BENCHMARK_MAIN();
