# shellcheck shell=bash
# Shared by scripts/run and scripts/test: install what is missing, configure, build.
# Sourced, not executed; the caller has already set -euo pipefail.

FK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages the build, the tests and the tools need. systemd provides systemd-analyze
# (unit checks); prometheus provides promtool (rule tests) and the server the monitoring test scrapes
# with; prometheus-alertmanager the alert delivery test and amtool; sqlite3 is the shell the bench compares with;
# libargon2 hashes passwords, mstch renders statements and mails, libzip reads OneRoster bundles, and
# python3-aiosmtpd is the mail server the notification tests send to.
FK_PACKAGES=(
  cmake g++ make pkg-config
  libboost-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libcurl4-openssl-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libssl-dev libsystemd-dev
  prometheus prometheus-alertmanager python3 curl systemd
  libargon2-dev libmstch-dev libzip-dev python3-aiosmtpd
  libhowardhinnant-date-dev  # time zones for the notification window: GCC 12 has no std::chrono tzdb
  python3-cryptography
  clang-16 libclang-rt-16-dev ccache  # fuzz/: libFuzzer + ASan/UBSan runtimes (clang 14 lacks std::expected)
)

fk_log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }

fk_missing_packages() {
  local pkg status
  for pkg in "${FK_PACKAGES[@]}"; do
    # Multi-arch packages print one status per architecture, hence the pattern match.
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [[ $status != *"install ok installed"* ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# Installs only the missing packages; apt-get update runs only when something is missing, so a
# machine that already has everything needs neither root nor the network.
fk_install_deps() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    fk_log "dpkg-query not found: this script expects Debian 12; install the packages listed in scripts/lib.sh yourself"
    return 1
  fi
  local missing
  mapfile -t missing < <(fk_missing_packages)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    fk_log "missing Debian packages: ${missing[*]}"
    fk_log "run as root, or: sudo apt-get install ${missing[*]}"
    return 1
  fi
  fk_log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The web desk needs node and npm to build and Chromium to test. Only missing *commands* are installed
# from Debian (nodejs, npm, chromium): a machine with Node.js from elsewhere (nodesource, with its own
# npm) keeps it, and Debian's npm is never installed over it.
fk_install_web_deps() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    fk_log "missing for the web desk: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}"
    return 1
  fi
  fk_log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# fk_build DIR [cmake -D options...]: configure and build DIR. FK_TARGETS (space-separated) limits the
# build to those targets; unset builds everything, tests included.
fk_build() {
  local dir="$1"
  shift
  local source="$FK_ROOT"
  # FK_SOURCE=fuzz builds the libFuzzer project (fuzz/CMakeLists.txt) instead of the daemon's.
  if [[ -n ${FK_SOURCE:-} ]]; then
    source="$FK_ROOT/$FK_SOURCE"
  fi
  # Explicit returns: callers use fk_build in `if`, where set -e does not apply.
  local launcher=()
  # ccache, when present, makes the second (sanitizer) pass and repeated runs much cheaper.
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$FK_ROOT}"
  fi
  cmake -S "$source" -B "$dir" "${launcher[@]}" "$@" || return 1
  local targets=()
  if [[ -n ${FK_TARGETS:-} ]]; then
    read -r -a targets <<<"$FK_TARGETS"
    targets=(--target "${targets[@]}")
  fi
  cmake --build "$dir" -j"$(nproc)" "${targets[@]}" || return 1
}
