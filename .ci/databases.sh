#!/usr/bin/env bash
# Starts (or stops) throw-away PostgreSQL 15 and MariaDB 10.11 servers from Debian's packages for the engine tests.
#
#   .ci/databases.sh start <dir>   # data, sockets and logs under <dir>; prints the variables the tests read
#   .ci/databases.sh stop <dir>
#
# Each server listens on a free loopback port, with password authentication for the user "herald" (password "herald"),
# who may create databases: the test harness creates a fresh database per Herald server (tests/Herald.Testing/TestEngine.cs).
# PostgreSQL refuses to run as root, so its server runs as the "postgres" user Debian's package creates; MariaDB as "mysql".
set -euo pipefail

command=${1:?usage: databases.sh start|stop <dir>}
dir=${2:?usage: databases.sh start|stop <dir>}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_user() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
  local bin port data
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
  port=$(free_port)
  data="$dir/postgres"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$data"
  echo herald >"$dir/pgpass" && chmod 644 "$dir/pgpass"
  as_user postgres "$bin/initdb" -D "$data/data" -U herald --pwfile="$dir/pgpass" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$data/initdb.log"
  # fsync and synchronous_commit stay on: the durability tests rely on what a real installation does.
  as_user postgres "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=300 -c shared_buffers=64MB" start >/dev/null
  echo "$port" >"$dir/postgres.port"
  echo "export HERALD_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=herald;Password=herald;Database=postgres'"
}

start_mariadb() {
  local port data
  command -v mariadbd >/dev/null 2>&1 || { echo "MariaDB is not installed (apt-get install mariadb-server)" >&2; return 1; }
  port=$(free_port)
  data="$dir/mariadb"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R mysql:mysql "$data"
  as_user mysql mariadb-install-db --no-defaults --skip-test-db --datadir="$data/data" --auth-root-authentication-method=socket >"$data/install.log" 2>&1
  # --no-defaults: the compiled-in defaults (latin1 server charset), not Debian's utf8mb4 config, so the charset
  # handling is tested against the server default Gotify's issues were filed from.
  as_user mysql mariadbd --no-defaults --datadir="$data/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$data/mysqld.sock" --pid-file="$data/mysqld.pid" --log-error="$data/server.log" \
    --max-connections=300 --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=1 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    [ -S "$data/mysqld.sock" ] && mariadb --no-defaults -S "$data/mysqld.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --no-defaults -S "$data/mysqld.sock" -u root -e \
    "CREATE USER 'herald'@'%' IDENTIFIED BY 'herald'; GRANT ALL PRIVILEGES ON *.* TO 'herald'@'%' WITH GRANT OPTION;"
  echo "$port" >"$dir/mariadb.port"
  echo "export HERALD_TEST_MYSQL='Server=127.0.0.1;Port=$port;User ID=herald;Password=herald;Database=mysql'"
}

case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chmod 755 "$dir"
    start_postgres
    if command -v mariadbd >/dev/null 2>&1; then start_mariadb; fi
    ;;
  stop)
    bin=$(pg_bin)
    if [ -d "$dir/postgres/data" ]; then as_user postgres "$bin/pg_ctl" -D "$dir/postgres/data" -m fast stop >/dev/null || true; fi
    if [ -f "$dir/mariadb/mysqld.pid" ]; then kill "$(cat "$dir/mariadb/mysqld.pid")" 2>/dev/null || true; fi
    ;;
  *)
    echo "usage: databases.sh start|stop <dir>" >&2
    exit 2
    ;;
esac
