#include "daemon.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <prometheus/registry.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include "fleetkeep/version.hpp"
#include "http/api.hpp"
#include "http/oidc_client.hpp"
#include "http/server.hpp"
#include "http/web_desk.hpp"
#include "metrics/collector.hpp"
#include "metrics/fleet_metrics.hpp"
#include "metrics/http_metrics.hpp"
#include "notify/notify_service.hpp"
#include "sources/builtin.hpp"
#include "sources/curl_http_client.hpp"
#include "sources/source_service.hpp"
#include "store/database_check.hpp"
#include "store/device_store.hpp"
#include "store/model_store.hpp"
#include "store/token_store.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"
#include "core/time_zone.hpp"

namespace fk {
namespace {

namespace net = boost::asio;

constexpr auto kMetricsRefresh = std::chrono::seconds(5);
constexpr auto kShutdownGrace = std::chrono::seconds(10);
constexpr int kIoThreads = 2;
constexpr std::size_t kMaxLoggedImportErrors = 20;

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

// Each connection is a descriptor, and the database, sources and mail need their own: a cap above
// what the process may open turns a flood into EMFILE instead of orderly 503s.
void warnIfFewDescriptors(std::size_t max_connections) {
  constexpr std::size_t kOwnDescriptors = 128;  // database files, WAL, sources' sockets, log, spare
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  if (max_connections + kOwnDescriptors > limit.rlim_cur)
    spdlog::warn("limits.max_connections is {} but the process may open only {} files (LimitNOFILE=); "
                 "a flood will meet the descriptor limit before the connection cap",
                 max_connections, limit.rlim_cur);
}

void applyLogLevel(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for names it does not know; only take "off" when asked for it.
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  spdlog::set_level(parsed);
}

// The config in force: handlers and the reload path read and swap it from different threads.
class ConfigHolder {
 public:
  explicit ConfigHolder(std::shared_ptr<const Config> c) : config_(std::move(c)) {}
  std::shared_ptr<const Config> get() const {
    std::lock_guard lock(mutex_);
    return config_;
  }
  void set(std::shared_ptr<const Config> c) {
    std::lock_guard lock(mutex_);
    config_ = std::move(c);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Config> config_;
};

Status ensureAdminToken(Database& db, const std::filesystem::path& state_dir) {
  TokenStore tokens(db);
  auto count = tokens.count();
  if (!count) return std::unexpected(count.error());
  if (*count > 0) return {};
  auto token = tokens.create("admin", Role::admin);
  if (!token) return std::unexpected(token.error());
  auto file = state_dir / "admin.token";
  if (auto written = writeFileAtomic(file, *token + "\n", 0600); !written) return written;
  spdlog::info("no API tokens yet: created token \"admin\" (role admin), written to {}", file.string());
  return {};
}

// So that a fresh install leads straight to a sign-in page: like admin.token, a secret only the
// service account can read.
Status ensureAdminUser(Database& db, const std::filesystem::path& state_dir) {
  UserStore users(db);
  auto count = users.count();
  if (!count) return std::unexpected(count.error());
  if (*count > 0) return {};
  std::array<unsigned char, 18> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    return std::unexpected(Error::internal("no random bytes for the admin password"));
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string password;
  for (unsigned char b : random) password += kAlphabet[b % (sizeof(kAlphabet) - 1)];
  auto user = users.create({"admin", Role::admin, "", {}}, password);
  if (!user) return std::unexpected(user.error());
  auto file = state_dir / "admin.password";
  auto written = writeFileAtomic(file, password + "\n", 0600);
  OPENSSL_cleanse(password.data(), password.size());
  if (!written) return written;
  spdlog::info("no users yet: created user \"admin\" (role admin), password written to {}", file.string());
  return {};
}

void seedInventory(Database& db, const Config& config) {
  if (config.seed_inventory.empty()) return;
  DeviceStore devices(db);
  auto first = devices.list(DeviceFilter{.limit = 1});
  if (!first) {
    spdlog::error("seed inventory skipped: {}", first.error().message);
    return;
  }
  if (!first->items.empty()) return;
  const std::string name = config.seed_inventory.string();
  std::ifstream in(config.seed_inventory, std::ios::binary);
  if (!in) {
    spdlog::warn("seed inventory {} not readable; starting with an empty registry", name);
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto imported = devices.importCsv(text.str(), "system");
  if (!imported) {
    const Error& e = imported.error();
    spdlog::error("seed inventory {}: {}", name, e.message);
    const nlohmann::json errors = e.details.value("errors", nlohmann::json::array());
    for (std::size_t i = 0; i < errors.size() && i < kMaxLoggedImportErrors; ++i) {
      spdlog::error("{}:{}: {}: {}", name, errors[i].value("line", 0), errors[i].value("field", ""),
                    errors[i].value("message", ""));
    }
    return;
  }
  spdlog::info("seed inventory {}: {} created, {} updated, {} unchanged", name, imported->created, imported->updated,
               imported->unchanged);
}

class Daemon {
 public:
  Daemon(std::shared_ptr<const Config> config, std::unique_ptr<Database> db)
      : config_(std::move(config)), db_(std::move(db)), http_metrics_(registry_),
        tokens_(*db_), sessions_(*db_) {}

  int run();

 private:
  void waitForSignal();
  void onSignal(int signo);
  void reload();
  void armWatchdog(std::chrono::microseconds interval);
  void refreshLoop(std::stop_token stop);

  ConfigHolder config_;
  std::unique_ptr<Database> db_;
  prometheus::Registry registry_;
  std::vector<std::unique_ptr<Collector>> collectors_;
  HttpMetrics http_metrics_;
  TokenStore tokens_;
  SessionStore sessions_;
  LoginThrottle login_throttle_;
  CurlHttpClient http_client_;             // lent to source plugins and OpenID Connect sign-in
  std::unique_ptr<OidcClient> oidc_;
  std::unique_ptr<SourceService> sources_;
  std::unique_ptr<NotifyService> notify_;
  std::atomic<bool> ready_{false};
  net::io_context io_;
  net::signal_set signals_{io_, SIGTERM, SIGINT, SIGHUP};
  net::steady_timer watchdog_{io_};
  std::promise<void> stop_requested_;
  bool stopping_ = false;  // touched on the signal handler only
};

int Daemon::run() {
  auto config = config_.get();
  if (auto seeded = ModelStore(*db_).seed(config->models); !seeded)
    spdlog::error("seeding the model catalog failed: {}", seeded.error().message);
  if (auto admin = ensureAdminToken(*db_, config->state_dir); !admin) {
    spdlog::error("creating the admin token failed: {}", admin.error().message);
    return 1;
  }
  if (auto admin = ensureAdminUser(*db_, config->state_dir); !admin) {
    spdlog::error("creating the admin user failed: {}", admin.error().message);
    return 1;
  }
  seedInventory(*db_, *config);

  ApiContext ctx{*db_, [this] { return config_.get(); }, [this] { return renderMetrics(registry_); },
                 [this] { return ready_.load(); }};
  sources_ = std::make_unique<SourceService>(builtinFactories(), *db_, http_client_, registry_,
                                             [this] { return config_.get(); });
  ctx.sources = sources_.get();
  notify_ = std::make_unique<NotifyService>(*db_, [this] { return config_.get(); });
  ctx.notify = notify_.get();
  ctx.sessions = &sessions_;
  ctx.login_throttle = &login_throttle_;
  oidc_ = std::make_unique<OidcClient>(http_client_);
  ctx.oidc = oidc_.get();
  Router router;
  registerRoutes(router, ctx);
  // web.enabled: false leaves the API as it was; / is then a 404 like any unknown path.
  if (config->web.enabled) {
    std::error_code ec;
    registerWebRoutes(router, loadWebDesk(defaultWebRoot(std::filesystem::read_symlink("/proc/self/exe", ec))));
  }

  ServerOptions options{.host = config->listen_host,
                        .port = config->listen_port,
                        .json_body_bytes = config->limits.json_body_bytes,
                        .import_body_bytes = config->limits.import_body_bytes,
                        .idle_timeout = config->limits.idle_timeout,
                        .request_timeout = config->limits.request_timeout,
                        .max_connections = static_cast<std::size_t>(config->limits.max_connections)};
  warnIfFewDescriptors(options.max_connections);
  options.session_auth = [this](std::string_view id) {
    const auto& web = config_.get()->web;
    return sessions_.authenticate(id, SessionLimits{web.session_idle, web.session_max});
  };
  HttpServer server(io_, options, router, tokens_, &http_metrics_);
  auto port = server.start();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return 1;
  }
  const std::string where = (config->listen_host.find(':') != std::string::npos ? "[" + config->listen_host + "]"
                                                                                 : config->listen_host) +
                            ":" + std::to_string(*port);
  spdlog::info("fleetkeepd {} listening on {}", kVersion, where);
  if (auto written = writeFileAtomic(config->state_dir / "port", std::to_string(*port) + "\n", 0644); !written)
    spdlog::warn("could not write the port file: {}", written.error().message);

  collectors_ = makeCollectors({registry_, *db_, [this] { return config_.get(); }});
  for (auto& c : collectors_) c->refresh(true);
  std::jthread refresher([this](std::stop_token stop) { refreshLoop(stop); });

  sources_->apply(*config);  // before serving, so GET /api/v1/sources lists them from the first request
  notify_->start();           // idle until the config has a notifications block
  waitForSignal();

  std::vector<std::jthread> io_threads;
  for (int i = 0; i < kIoThreads; ++i) io_threads.emplace_back([this] { io_.run(); });

  ready_ = true;
  notify("READY=1\nSTATUS=listening on " + where);
  std::uint64_t watchdog_usec = 0;
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0)
    armWatchdog(std::chrono::microseconds(watchdog_usec / 2));

  stop_requested_.get_future().wait();
  notify("STOPPING=1\nSTATUS=stopping");
  spdlog::info("stopping: finishing in-flight requests");
  ready_ = false;
  sources_->stopAll();  // cancels running polls; a cancelled poll applies nothing
  notify_->stop();      // a mail being sent finishes (curl's timeout bounds it) and is recorded
  server.stop(kShutdownGrace);
  refresher.request_stop();
  io_.stop();
  io_threads.clear();  // joins
  spdlog::info("stopped");
  return 0;
}

void Daemon::waitForSignal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    onSignal(signo);
    waitForSignal();
  });
}

void Daemon::onSignal(int signo) {
  if (signo == SIGHUP) return reload();
  if (stopping_) {
    spdlog::info("already stopping");
    return;
  }
  stopping_ = true;
  spdlog::info("received {}", signo == SIGTERM ? "SIGTERM" : "SIGINT");
  stop_requested_.set_value();
}

void Daemon::reload() {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now().time_since_epoch());  // CLOCK_MONOTONIC on Linux
  notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(now.count()));
  auto old = config_.get();
  spdlog::info("SIGHUP: reloading {}", old->file.string());
  auto loaded = loadConfig(old->file, pluginChecks(builtinFactories()), writeBackPlugins(builtinFactories()),
                           checkInPlugins(builtinFactories()));
  if (!loaded) {
    for (const auto& p : loaded.error()) spdlog::error("config reload refused: {}", p.format());
    spdlog::error("keeping the previous config");
    notify("READY=1\nSTATUS=config reload refused; previous config in force");
    return;
  }
  auto next = std::make_shared<Config>(std::move(*loaded));
  // What the running server and database were built from stays in force until a restart; keep the
  // config in force truthful about it.
  if (next->listen_host != old->listen_host || next->listen_port != old->listen_port) {
    spdlog::warn("listen changed; needs restart to take effect");
    next->listen_host = old->listen_host;
    next->listen_port = old->listen_port;
  }
  if (next->state_dir != old->state_dir) {
    spdlog::warn("state_dir changed; needs restart to take effect");
    next->state_dir = old->state_dir;
  }
  if (next->database != old->database) {
    spdlog::warn("database changed; needs restart to take effect");
    next->database = old->database;
  }
  if (next->limits.json_body_bytes != old->limits.json_body_bytes ||
      next->limits.import_body_bytes != old->limits.import_body_bytes ||
      next->limits.max_connections != old->limits.max_connections ||
      next->limits.idle_timeout != old->limits.idle_timeout ||
      next->limits.request_timeout != old->limits.request_timeout ||
      next->limits.database_cache_bytes != old->limits.database_cache_bytes) {
    spdlog::warn("limits changed; needs restart to take effect");
    next->limits = old->limits;
  }
  applyLogLevel(next->log_level);
  if (auto seeded = ModelStore(*db_).seed(next->models); !seeded)
    spdlog::error("seeding the model catalog failed: {}", seeded.error().message);
  setDistrictZone(next->timezone);
  config_.set(next);
  sources_->apply(*next);  // adds, removes and re-times sources
  spdlog::info("config reloaded");
  notify("READY=1\nSTATUS=config reloaded");
}

void Daemon::armWatchdog(std::chrono::microseconds interval) {
  notify("WATCHDOG=1");
  watchdog_.expires_after(interval);
  watchdog_.async_wait([this, interval](const boost::system::error_code& ec) {
    if (!ec) armWatchdog(interval);
  });
}

// Off the I/O threads: a refresh after a big import runs GROUP BY queries over the whole table.
void Daemon::refreshLoop(std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  while (true) {
    cv.wait_for(lock, stop, kMetricsRefresh, [] { return false; });
    if (stop.stop_requested()) return;
    try {
      for (auto& c : collectors_) c->refresh(false);
    } catch (const std::exception& e) {
      spdlog::error("metrics refresh failed: {}", e.what());
    }
  }
}

}  // namespace

void setupLogging(std::string_view level) {
  std::shared_ptr<spdlog::logger> logger;
  if (isatty(STDERR_FILENO)) {
    logger = spdlog::stderr_color_mt("fleetkeepd");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  } else {
    logger = spdlog::stderr_logger_mt("fleetkeepd");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  }
  spdlog::set_default_logger(logger);
  applyLogLevel(level);
  spdlog::flush_on(spdlog::level::trace);
}

std::shared_ptr<const Config> loadConfigOrReport(const std::filesystem::path& file) {
  auto loaded = loadConfig(file, pluginChecks(builtinFactories()), writeBackPlugins(builtinFactories()),
                           checkInPlugins(builtinFactories()));
  if (!loaded) {
    for (const auto& p : loaded.error()) std::cerr << p.format() << '\n';
    return nullptr;
  }
  setDistrictZone(loaded->timezone);
  return std::make_shared<const Config>(std::move(*loaded));
}

Result<std::unique_ptr<Database>> openStateDatabase(const Config& config) {
  std::error_code ec;
  if (!std::filesystem::exists(config.state_dir, ec)) {
    std::filesystem::create_directories(config.state_dir, ec);
    if (ec) return std::unexpected(Error::internal("cannot create state_dir " + config.state_dir.string() + ": " + ec.message()));
    std::filesystem::permissions(config.state_dir, std::filesystem::perms::owner_all, ec);
  }
  return Database::open(config.database, 4, config.limits.database_cache_bytes);
}

Status writeFileAtomic(const std::filesystem::path& file, std::string_view content, mode_t mode) {
  const std::string tmp = file.string() + ".tmp";
  auto failed = [&](const char* what) {
    std::string message = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return std::unexpected(Error::internal(std::move(message)));
  };
  ::unlink(tmp.c_str());
  // O_EXCL: never write a secret through a file (or link) someone else prepared.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return failed("cannot create");
  if (::fchmod(fd, mode) != 0) {
    ::close(fd);
    return failed("cannot chmod");
  }
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return failed("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return failed("cannot sync");
  if (::rename(tmp.c_str(), file.c_str()) != 0) return failed("cannot rename");
  return {};
}

int runDaemon(const std::filesystem::path& config_file) {
  setupLogging("info");
  auto config = loadConfigOrReport(config_file);
  if (!config) return 1;
  applyLogLevel(config->log_level);
  // Before migrating: a damaged file is left as it is for the operator, and the exit code stops systemd
  // from starting us again and again over it.
  if (auto checked = checkDatabaseFile(config->database); !checked) {
    spdlog::error("{}", checked.error().message);
    return checked.error().code == Errc::storage_fault ? kExitDatabaseDamaged : 1;
  }
  auto db = openStateDatabase(*config);
  if (!db) {
    spdlog::error("cannot open the database {}: {}", config->database.string(), db.error().message);
    return 1;
  }
  Daemon daemon(config, std::move(*db));
  return daemon.run();
}

}  // namespace fk
