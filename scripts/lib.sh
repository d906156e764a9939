# shellcheck shell=bash
# lib.sh — helpers shared by the scripts in this folder. Source it; it does nothing on its own.
#
# Why a shared file: services.sh, run.sh, test.sh and fuzz.sh must agree on where the repo is,
# where project-local state lives (.local/), how Go is found and how packages are installed.

JHT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JHT_LOCAL="$JHT_ROOT/.local"
# shellcheck disable=SC2034 # used by the scripts that source this file
JHT_DEFAULT_DATABASE_URL='postgres://postgres@127.0.0.1:5432/jhtbatch?sslmode=disable'
# shellcheck disable=SC2034
JHT_DEFAULT_REDIS_URL='redis://127.0.0.1:6379/0'
JHT_APT_UPDATED=0

# say prints a progress line on stderr, so that stdout stays free for `export` lines.
say() { printf '%s: %s\n' "${JHT_SCRIPT:-jhtbatch}" "$*" >&2; }

# die prints the reason and stops the script.
die() {
  say "ERROR: $*"
  exit 1
}

# load_env reads the addresses services.sh chose (it writes .local/env on every run).
load_env() {
  if [ -f "$JHT_LOCAL/env" ]; then
    # shellcheck source=/dev/null
    . "$JHT_LOCAL/env"
  fi
}

# find_go puts Go on PATH when it is installed in the usual place but PATH lacks it.
find_go() {
  command -v go >/dev/null 2>&1 && return 0
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
    return 0
  fi
  return 1
}

# go_wanted prints the Go version go.mod asks for (e.g. 1.26.8).
go_wanted() {
  sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' "$JHT_ROOT/go.mod" | head -n 1
}

# check_go fails with instructions when Go is missing, and warns when it is older than go.mod.
check_go() {
  local want have
  want=$(go_wanted)
  if ! find_go; then
    say "ERROR: Go is not installed (not on PATH, not in /usr/local/go/bin)."
    say "  Install Go >= ${want:-1.26} from https://go.dev/dl/, for example:"
    say "    tar -C /usr/local -xzf go${want:-1.26.x}.linux-amd64.tar.gz && export PATH=\$PATH:/usr/local/go/bin"
    say "  (Debian's golang-go package is older than 1.26 and cannot build this module.)"
    return 1
  fi
  have=$(go env GOVERSION 2>/dev/null) || have=unknown
  have=${have#go}
  if [ -n "$want" ] && [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1)" != "$want" ]; then
    say "WARNING: go.mod wants Go $want but $(command -v go) is $have;"
    say "  go will try to fetch toolchain go$want (GOTOOLCHAIN=auto) — or install Go >= $want yourself."
  fi
  return 0
}

# as_root runs a command as root, through sudo when the script is not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' (run as root or install sudo)"
  fi
}

# apt_install installs Debian/Ubuntu packages; apt-get update runs once per script run.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your system's package manager"
  if [ "$JHT_APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    JHT_APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    die "apt-get install $* failed"
}

# ensure_cmd installs the packages $2… when command $1 is missing.
ensure_cmd() {
  local cmd=$1
  shift
  command -v "$cmd" >/dev/null 2>&1 || apt_install "$@"
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd still missing after installing $*"
}

# tcp_open succeeds when something accepts a TCP connection on host $1, port $2 within 2 seconds.
tcp_open() {
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# is_local_host succeeds for the addresses this machine's own servers listen on.
is_local_host() {
  case "$1" in
    '' | 127.* | localhost | ::1 | '[::1]') return 0 ;;
    *) return 1 ;;
  esac
}

# mask_url hides a password in a URL before it is printed.
mask_url() {
  # shellcheck disable=SC2001 # one regex replacement; parameter expansion cannot express it
  sed 's#://\([^:/@]*\):[^@/]*@#://\1:***@#' <<<"$1"
}
