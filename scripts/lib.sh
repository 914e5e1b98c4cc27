# shellcheck shell=bash
# Shared by scripts/demo, scripts/test and scripts/sdk-check: install what is missing,
# configure, build, and start the simulator and the daemon.
# Sourced, not run. Idempotent, and quick when nothing changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ROOMSD_BUILD_DIR:-$ROOT/build}"

# Debian 12 packages the build, the tests and the demo need.
PACKAGES=(
  g++ cmake ninja-build pkgconf
  libsqlitecpp-dev libsqlite3-dev
  libcurl4-openssl-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libyaml-cpp-dev libspdlog-dev libcli11-dev libsystemd-dev
  catch2 zlib1g-dev
  # roomsd-replicate: libpq to build it, the PostgreSQL server its tests start (tests/integration/replicate)
  libpq-dev postgresql
  chromium
  # scripts/package-check: the .deb's dependencies (dpkg-shlibdeps), its checks, systemd-analyze
  dpkg-dev lintian systemd man-db
  # tests/integration/ctl: `zsh -n` on the completion script roomsctl writes
  zsh
)

log() { printf '==> %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build: configures BUILD_DIR (ROOMSD_BUILD_TYPE, RelWithDebInfo by default) with
# warnings as errors, the project's rule for its own builds, then builds every target.
build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ] || ! grep -q '^ROOMSD_WERROR:BOOL=ON$' "$BUILD_DIR/CMakeCache.txt"; then
    log "configuring $BUILD_DIR"
    # ccache, where a developer installed it, makes rebuilds of another build dir cheap; not needed.
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${ROOMSD_BUILD_TYPE:-RelWithDebInfo}" \
      -DROOMSD_WERROR=ON "${launcher[@]}" >/dev/null
  fi
  log "building"
  cmake --build "$BUILD_DIR" -- -j"$(nproc)"
}

# Background processes started by start_sim / start_daemon, stopped by stop_started
# (newest first). Callers: trap stop_started EXIT.
STARTED_PIDS=()

stop_started() {
  local i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    kill "${STARTED_PIDS[i]}" 2>/dev/null && wait "${STARTED_PIDS[i]}" 2>/dev/null
  done
  return 0
}

# wait_ready PID LOG WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds
# (at most 10 s); if PID exits first or time runs out, shows LOG and fails.
wait_ready() {
  local pid=$1 logfile=$2 what=$3
  shift 3
  for _ in $(seq 100); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$logfile" >&2
  echo "$what did not start" >&2
  return 1
}

# Sets SIM_URL from the simulator's "listening on URL" line in DIR/sim.out; fails until it is there.
sim_listening() {
  SIM_URL=$(grep -o 'http://[^ ]*' "$1/sim.out" 2>/dev/null || true)
  [ -n "$SIM_URL" ]
}

# Whether a roomsd answers on the socket SOCKET.
daemon_answers() {
  "$BUILD_DIR/bin/roomsctl" --socket "$1" status >/dev/null 2>&1
}

# start_sim DIR ARGS...: starts telnyx-sim with ARGS (its output in DIR/sim.out and
# DIR/sim.log) and waits until it listens; sets SIM_URL to its base URL.
start_sim() {
  local dir=$1
  shift
  "$BUILD_DIR/bin/telnyx-sim" "$@" >"$dir/sim.out" 2>"$dir/sim.log" &
  STARTED_PIDS+=("$!")
  SIM_URL=
  wait_ready "$!" "$dir/sim.log" telnyx-sim sim_listening "$dir"
}

# start_daemon CONFIG SOCKET LOG: starts roomsd on CONFIG (stderr to LOG) and waits
# until it answers on SOCKET.
start_daemon() {
  local config=$1 socket=$2 logfile=$3
  "$BUILD_DIR/bin/roomsd" --config "$config" 2>"$logfile" &
  STARTED_PIDS+=("$!")
  wait_ready "$!" "$logfile" "roomsd on $socket" daemon_answers "$socket"
}
