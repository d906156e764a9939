#!/usr/bin/env bash
# services.sh — make PostgreSQL and Redis available to jhtbatch on this machine.
#
#   bash scripts/services.sh         reuse the servers at DATABASE_URL / REDIS_URL, or start project-local ones
#   bash scripts/services.sh stop    stop the project-local servers (never touches system servers)
#   bash scripts/services.sh clean   stop them and delete .local/ (their data)
#
# A server that already answers (and, for PostgreSQL, lets us log in) is reused. Otherwise a project-local
# server is started from the system packages (installed with apt-get when missing) with its data in
# .local/. The addresses in use are written to .local/env on every run; when they differ from the
# configured ones, `export` lines are also printed. Running it again is harmless.
set -euo pipefail
JHT_SCRIPT=services
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JHT_ROOT"

PG_DATA="$JHT_LOCAL/pgdata"
REDIS_PIDFILE="$JHT_LOCAL/redis.pid"
REDIS_PORTFILE="$JHT_LOCAL/redis.port"

# ---------- URLs ----------

# split_hostport sets HP_HOST and HP_PORT from "host", "host:port" or "[v6]:port" ($2 = default port).
split_hostport() {
  local hp=$1 rest
  if [[ $hp == \[* ]]; then
    HP_HOST=${hp%%]*}
    HP_HOST=${HP_HOST#\[}
    rest=${hp#*]}
    HP_PORT=${rest#:}
  elif [[ $hp == *:* ]]; then
    HP_HOST=${hp%:*}
    HP_PORT=${hp##*:}
  else
    HP_HOST=$hp
    HP_PORT=
  fi
  HP_HOST=${HP_HOST:-127.0.0.1}
  HP_PORT=${HP_PORT:-$2}
  [[ $HP_PORT =~ ^[0-9]+$ ]] || die "bad port in address '$hp'"
}

# parse_pg_url sets PGU_SCHEME, PGU_AUTH, PGU_USER, PGU_HOST, PGU_PORT, PGU_DB and PGU_QUERY.
parse_pg_url() {
  local re='^(postgres(ql)?://)([^/?#]*)(/([^?#]*))?(\?([^#]*))?$'
  [[ $1 =~ $re ]] ||
    die "DATABASE_URL must look like postgres://user@host:port/dbname?sslmode=disable (got $(mask_url "$1"))"
  PGU_SCHEME=${BASH_REMATCH[1]}
  PGU_AUTH=${BASH_REMATCH[3]}
  PGU_DB=${BASH_REMATCH[5]}
  PGU_QUERY=${BASH_REMATCH[7]}
  PGU_USER=
  if [[ $PGU_AUTH == *@* ]]; then
    PGU_USER=${PGU_AUTH%@*}
    PGU_USER=${PGU_USER%%:*}
  fi
  split_hostport "${PGU_AUTH##*@}" 5432
  PGU_HOST=$HP_HOST
  PGU_PORT=$HP_PORT
}

# pg_url_db prints the last parsed PostgreSQL URL with its database replaced by $1.
pg_url_db() {
  printf '%s%s/%s%s\n' "$PGU_SCHEME" "$PGU_AUTH" "$1" "${PGU_QUERY:+?$PGU_QUERY}"
}

# parse_redis_url sets RU_HOST, RU_PORT and RU_DB.
parse_redis_url() {
  local re='^rediss?://([^/?#]*)(/([0-9]*))?(\?.*)?$'
  [[ $1 =~ $re ]] || die "REDIS_URL must look like redis://host:port/db (got $(mask_url "$1"))"
  RU_DB=${BASH_REMATCH[3]:-0}
  split_hostport "${BASH_REMATCH[1]##*@}" 6379
  RU_HOST=$HP_HOST
  RU_PORT=$HP_PORT
}

# free_port prints the first port from $1 upwards on which nothing answers.
free_port() {
  local p=$1
  while tcp_open 127.0.0.1 "$p"; do
    p=$((p + 1))
  done
  echo "$p"
}

# ---------- PostgreSQL ----------

# pg_login succeeds when psql can log in with URL $1 without a password prompt; the reason it could not
# is left in PG_ERR.
pg_login() {
  PG_ERR=$(PGCONNECT_TIMEOUT=3 psql -X -w -Atq -c 'SELECT 1' "$1" 2>&1 </dev/null >/dev/null) && return 0
  PG_ERR=$(head -n 1 <<<"$PG_ERR")
  return 1
}

# pg_bindir prints the folder holding initdb and pg_ctl (Debian keeps them out of PATH).
pg_bindir() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && echo "$d"
}

# as_pg runs a PostgreSQL server command; PostgreSQL refuses to run as root, so root runs it as postgres.
as_pg() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
    return
  fi
  id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run PostgreSQL as"
  if command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && su -s /bin/bash postgres -c "$(printf '%q ' "$@")")
  fi
}

# pg_prepare_datadir creates .local/pgdata owned by whoever runs the server. When root runs this in a
# folder the postgres user cannot enter (a clone under /root), the data goes to /tmp behind a symlink.
pg_prepare_datadir() {
  mkdir -p "$JHT_LOCAL"
  if [ -L "$PG_DATA" ] && [ ! -e "$PG_DATA" ]; then
    rm -f "$PG_DATA" # its /tmp target is gone (reboot)
  fi
  if [ ! -e "$PG_DATA" ]; then
    if [ "$(id -u)" -eq 0 ] && ! as_pg test -x "$JHT_LOCAL"; then
      local real
      real="${TMPDIR:-/tmp}/jhtbatch-pgdata-$(cksum <<<"$JHT_ROOT" | cut -d ' ' -f 1)"
      say "the postgres user cannot enter $JHT_LOCAL; keeping the data in $real (linked from .local/pgdata)"
      mkdir -p "$real"
      ln -s "$real" "$PG_DATA"
    else
      mkdir -p "$PG_DATA"
    fi
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$(readlink -f "$PG_DATA")"
  fi
  chmod 700 "$(readlink -f "$PG_DATA")"
}

# pg_initdb creates the cluster once: trust auth for user postgres, TCP on 127.0.0.1 only, the socket
# in the data folder (or none when that path is too long for a Unix socket).
pg_initdb() {
  local bindir=$1 dir locale_opt=(--no-locale) sock
  dir=$(readlink -f "$PG_DATA")
  [ -f "$dir/PG_VERSION" ] && return 0
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_opt=(--locale=C.UTF-8)
  fi
  say "initdb $PG_DATA (trust auth, user postgres)"
  if ! as_pg "$bindir/initdb" -D "$dir" --auth=trust -U postgres --encoding=UTF8 "${locale_opt[@]}" \
    >"$JHT_LOCAL/initdb.log" 2>&1; then
    tail -n 20 "$JHT_LOCAL/initdb.log" >&2
    die "initdb failed (log: .local/initdb.log)"
  fi
  sock=$dir
  [ "${#sock}" -le 90 ] || sock=
  printf "\n# added by scripts/services.sh\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" \
    "$sock" >>"$dir/postgresql.conf"
}

# start_local_postgres sets LOCAL_PG_PORT to the port of the project-local server, starting it when it
# is not running; $1 is the configured port, used when it is free.
start_local_postgres() {
  local want_port=$1 bindir dir
  bindir=$(pg_bindir) || true
  if [ -z "$bindir" ]; then
    apt_install postgresql
    bindir=$(pg_bindir) || die "initdb/pg_ctl not found even after installing postgresql"
  fi
  pg_prepare_datadir
  pg_initdb "$bindir"
  dir=$(readlink -f "$PG_DATA")
  if as_pg "$bindir/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    LOCAL_PG_PORT=$(sed -n 4p "$dir/postmaster.pid")
    say "PostgreSQL: the project-local server is already running on port $LOCAL_PG_PORT"
    return 0
  fi
  LOCAL_PG_PORT=$want_port
  tcp_open 127.0.0.1 "$LOCAL_PG_PORT" && LOCAL_PG_PORT=$(free_port 55432)
  say "PostgreSQL: starting a project-local server on 127.0.0.1:$LOCAL_PG_PORT (data in .local/pgdata)"
  if ! as_pg "$bindir/pg_ctl" start -D "$dir" -w -t 60 -l "$dir/server.log" -o "-p $LOCAL_PG_PORT" >/dev/null; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start (log: .local/pgdata/server.log)"
  fi
}

# ensure_database creates the database named in URL $1 when it does not exist yet.
ensure_database() {
  local maint exists
  parse_pg_url "$1"
  [ -n "$PGU_DB" ] || return 0
  maint=$(pg_url_db postgres)
  exists=$(PGCONNECT_TIMEOUT=5 psql -X -w -Atq -v ON_ERROR_STOP=1 -v db="$PGU_DB" "$maint" \
    <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';") ||
    die "cannot look up database '$PGU_DB' on $PGU_HOST:$PGU_PORT"
  [ "$exists" = 1 ] && return 0
  say "PostgreSQL: creating database '$PGU_DB'"
  if ! PGCONNECT_TIMEOUT=5 psql -X -w -q -v ON_ERROR_STOP=1 -v db="$PGU_DB" "$maint" \
    <<<"CREATE DATABASE :\"db\";" >/dev/null 2>&1; then
    # Another run (scripts/run.sh beside scripts/test.sh) may have created it just now.
    exists=$(PGCONNECT_TIMEOUT=5 psql -X -w -Atq -v ON_ERROR_STOP=1 -v db="$PGU_DB" "$maint" \
      <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';") || exists=0
    [ "$exists" = 1 ] || die "cannot create database '$PGU_DB' on $PGU_HOST:$PGU_PORT"
  fi
}

# setup_postgres sets PG_URL to a PostgreSQL URL that works, reusing the configured server if it can.
setup_postgres() {
  local want=$1 host port db
  parse_pg_url "$want"
  host=$PGU_HOST port=$PGU_PORT db=${PGU_DB:-jhtbatch}
  if tcp_open "$host" "$port"; then
    ensure_cmd psql postgresql-client
    if pg_login "$want" || pg_login "$(pg_url_db postgres)"; then
      say "PostgreSQL: reusing the server that answers at $host:$port"
      PG_URL=$want
      ensure_database "$PG_URL"
      return 0
    fi
    is_local_host "$host" || die "PostgreSQL at $host:$port refuses the login in DATABASE_URL: $PG_ERR"
    say "PostgreSQL at $host:$port answers but refuses login as '${PGU_USER:-$(id -un)}' ($PG_ERR);"
    say "  using a project-local server instead"
  else
    is_local_host "$host" || die "nothing answers at $host:$port (DATABASE_URL); start that server or unset DATABASE_URL"
    say "PostgreSQL: nothing answers at $host:$port"
  fi
  start_local_postgres "$port"
  ensure_cmd psql postgresql-client
  PG_URL="postgres://postgres@127.0.0.1:$LOCAL_PG_PORT/$db?sslmode=disable"
  ensure_database "$PG_URL"
}

# ---------- Redis ----------

# redis_ping succeeds when a Redis server answers PONG at URL $1 (host $2, port $3).
redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(timeout 3 redis-cli --no-auth-warning -u "$1" ping 2>/dev/null)" = PONG ]
    return
  fi
  # shellcheck disable=SC2016 # the inner script expands its own positional parameters
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r l <&3 && [[ $l == +PONG* ]]' \
    _ "$2" "$3" 2>/dev/null
}

# local_redis_port prints the port of the running project-local Redis, if there is one.
local_redis_port() {
  [ -f "$REDIS_PIDFILE" ] && [ -f "$REDIS_PORTFILE" ] || return 1
  kill -0 "$(cat "$REDIS_PIDFILE")" 2>/dev/null || return 1
  cat "$REDIS_PORTFILE"
}

# start_local_redis sets LOCAL_REDIS_PORT, starting a throw-away Redis (no RDB, no AOF) in .local/.
start_local_redis() {
  local want_port=$1 i
  LOCAL_REDIS_PORT=$want_port
  tcp_open 127.0.0.1 "$LOCAL_REDIS_PORT" && LOCAL_REDIS_PORT=$(free_port 56379)
  mkdir -p "$JHT_LOCAL"
  say "Redis: starting a project-local server on 127.0.0.1:$LOCAL_REDIS_PORT (files in .local/)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$LOCAL_REDIS_PORT" --save "" --appendonly no \
    --dir "$JHT_LOCAL" --pidfile "$REDIS_PIDFILE" --logfile "$JHT_LOCAL/redis.log" >/dev/null ||
    die "redis-server did not start (log: .local/redis.log)"
  echo "$LOCAL_REDIS_PORT" >"$REDIS_PORTFILE"
  for i in $(seq 1 50); do
    redis_ping "redis://127.0.0.1:$LOCAL_REDIS_PORT/0" 127.0.0.1 "$LOCAL_REDIS_PORT" && return 0
    [ "$i" -lt 50 ] && sleep 0.2
  done
  tail -n 20 "$JHT_LOCAL/redis.log" >&2 || true
  die "Redis did not answer on port $LOCAL_REDIS_PORT within 10 s (log: .local/redis.log)"
}

# setup_redis sets REDIS_EFF to a Redis URL that works, reusing the configured server if it can.
setup_redis() {
  local want=$1 port
  parse_redis_url "$want"
  if redis_ping "$want" "$RU_HOST" "$RU_PORT"; then
    if [ "$(local_redis_port || true)" = "$RU_PORT" ] && is_local_host "$RU_HOST"; then
      say "Redis: reusing the project-local server at $RU_HOST:$RU_PORT"
    else
      say "Redis: reusing the server that answers at $RU_HOST:$RU_PORT"
    fi
    REDIS_EFF=$want
    return 0
  fi
  is_local_host "$RU_HOST" || die "no Redis answers at $RU_HOST:$RU_PORT (REDIS_URL); start it or unset REDIS_URL"
  if tcp_open "$RU_HOST" "$RU_PORT"; then
    say "Redis: something answers at $RU_HOST:$RU_PORT but does not PONG; using a project-local server instead"
  else
    say "Redis: nothing answers at $RU_HOST:$RU_PORT"
  fi
  if port=$(local_redis_port); then
    say "Redis: the project-local server is already running on port $port"
  else
    ensure_cmd redis-server redis-server
    if redis_ping "$want" "$RU_HOST" "$RU_PORT"; then # installing the package may have started it
      say "Redis: reusing the server the redis-server package started at $RU_HOST:$RU_PORT"
      REDIS_EFF=$want
      return 0
    fi
    start_local_redis "$RU_PORT"
    port=$LOCAL_REDIS_PORT
  fi
  REDIS_EFF="redis://127.0.0.1:$port/$RU_DB"
}

# ---------- env file, stop, clean ----------

# squote prints $1 in single quotes for a shell to read back.
squote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# write_env records the addresses in use so that other scripts (and people) can `source .local/env`.
write_env() {
  mkdir -p "$JHT_LOCAL"
  (
    umask 077
    {
      echo "# Written by scripts/services.sh: the PostgreSQL and Redis jhtbatch uses here."
      echo "export DATABASE_URL=$(squote "$PG_URL")"
      echo "export REDIS_URL=$(squote "$REDIS_EFF")"
    } >"$JHT_LOCAL/env.tmp"
  )
  mv "$JHT_LOCAL/env.tmp" "$JHT_LOCAL/env"
}

# stop_local stops the project-local servers; system servers are never touched.
stop_local() {
  local bindir dir pid i
  dir=$(readlink -f "$PG_DATA" 2>/dev/null) || dir=
  if [ -n "$dir" ] && [ -f "$dir/PG_VERSION" ] && bindir=$(pg_bindir) &&
    as_pg "$bindir/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" stop -D "$dir" -m fast -w >/dev/null
    say "stopped the project-local PostgreSQL"
  fi
  if [ -f "$REDIS_PIDFILE" ] && pid=$(cat "$REDIS_PIDFILE") && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$i" -lt 50 ] && sleep 0.1
    done
    say "stopped the project-local Redis (pid $pid)"
  fi
  rm -f "$JHT_LOCAL/env"
}

# clean_local stops the project-local servers and deletes their data.
clean_local() {
  local real
  stop_local
  if [ -L "$PG_DATA" ]; then
    real=$(readlink "$PG_DATA")
    case "$real" in
      */jhtbatch-pgdata-*) rm -rf "$real" ;;
    esac
  fi
  rm -rf "$JHT_LOCAL"
  say "removed .local/"
}

main() {
  case "${1:-start}" in
    start) ;;
    stop)
      stop_local
      return 0
      ;;
    clean)
      clean_local
      return 0
      ;;
    *) die "usage: bash scripts/services.sh [start|stop|clean]" ;;
  esac
  local want_pg=${DATABASE_URL:-$JHT_DEFAULT_DATABASE_URL}
  local want_redis=${REDIS_URL:-$JHT_DEFAULT_REDIS_URL}
  setup_postgres "$want_pg"
  setup_redis "$want_redis"
  write_env
  if [ "$PG_URL" != "$want_pg" ] || [ "$REDIS_EFF" != "$want_redis" ]; then
    say "not the configured addresses; use these (also in .local/env: source .local/env):"
    echo "export DATABASE_URL=$(squote "$PG_URL")"
    echo "export REDIS_URL=$(squote "$REDIS_EFF")"
  fi
  say "ready: DATABASE_URL=$(mask_url "$PG_URL") REDIS_URL=$(mask_url "$REDIS_EFF")"
  check_go
}

main "$@"
