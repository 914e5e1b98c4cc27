# Shared by scripts/demo and scripts/test: install what is missing, configure, build.
# Sourced, not run. Idempotent, and quick when nothing changed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ROOMSD_BUILD_DIR:-$ROOT/build}"

# Debian 12 packages the build, the tests and the demo need.
PACKAGES=(
  g++ cmake ninja-build pkgconf
  libsqlitecpp-dev libsqlite3-dev
  libcurl4-openssl-dev
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev libspdlog-dev libcli11-dev libsystemd-dev
  catch2 zlib1g-dev
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

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  log "building"
  cmake --build "$BUILD_DIR" -- -j"$(nproc)"
}
