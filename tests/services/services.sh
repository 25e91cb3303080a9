#!/usr/bin/env bash
# The servers the tests run against, on 127.0.0.1 only: PostgreSQL and MariaDB (Debian's packages) and
# Neo4j 5 LTS (from Maven Central, embedded behind tests/services/neo4j). `make services` runs `start`.
#
#   services.sh start    install what is missing, start what is not running, wait until each answers
#   services.sh stop     stop the servers this script started
#   services.sh status   say what answers
#
# Their data and logs live in $DATAGRAPH_SERVICES_DIR (default /var/tmp/datagraph-services), outside the
# clone, so that every clone on the machine shares one set and a second `start` takes a second or two.
# Ports and the Neo4j password are in services.env beside this file.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# Values from services.env, unless the environment sets them.
while IFS='=' read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    [[ -n "${!key:-}" ]] || export "$key=$value"
done < "$HERE/services.env"

DIR="${DATAGRAPH_SERVICES_DIR:-/var/tmp/datagraph-services}"
NEO4J_PORT="${NEO4J_URI##*:}"
WAIT_S=120

say() { printf 'services: %s\n' "$*"; }
fail() {
    printf 'services: %s\n' "$*" >&2
    exit 1
}

# As root, each server runs as its own system user (PostgreSQL refuses root); otherwise as the caller.
as_user() {
    local user="$1"
    shift
    if [[ $EUID -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

own() {
    local user="$1" path="$2"
    mkdir -p "$path"
    if [[ $EUID -eq 0 ]]; then chown "$user" "$path"; fi
}

port_open() { (: > "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# wait_for NAME LOG CHECK...: run CHECK (a quiet one) until it succeeds, or fail after WAIT_S with the log's tail.
wait_for() {
    local name="$1" log="$2"
    shift 2
    local deadline=$((SECONDS + WAIT_S))
    until "$@"; do
        if ((SECONDS > deadline)); then
            tail -n 30 "$log" >&2 || true
            fail "$name did not answer within ${WAIT_S}s (log above: $log)"
        fi
        sleep 0.5
    done
}

apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get > /dev/null || fail "install ${missing[*]} (Debian/Ubuntu package names) and run again"
    local sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    say "installing ${missing[*]} (Debian packages)"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        > "$DIR/apt.log" 2>&1 || {
        tail -n 20 "$DIR/apt.log" >&2
        fail "apt-get install ${missing[*]} failed"
    }
}

pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# --- PostgreSQL: a cluster of our own; user postgres, trusted from 127.0.0.1 (a test machine's rule) ----
postgres_answers() { psql -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -Atqc 'SELECT 1' > /dev/null 2>&1; }

start_postgres() {
    if postgres_answers; then
        say "PostgreSQL answers on 127.0.0.1:$POSTGRES_PORT"
        return
    fi
    port_open "$POSTGRES_PORT" && fail "port $POSTGRES_PORT is taken by something that does not let user postgres in without a password: stop it, or set POSTGRES_PORT"
    apt_install postgresql
    local bin data="$DIR/postgres/data" run="$DIR/postgres/run"
    bin="$(pg_bin)"
    own postgres "$DIR/postgres"
    own postgres "$run"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        as_user postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            > "$DIR/postgres/initdb.log" 2>&1 || {
            tail -n 20 "$DIR/postgres/initdb.log" >&2
            fail "initdb failed"
        }
    fi
    as_user postgres "$bin/pg_ctl" -D "$data" -l "$DIR/postgres/server.log" -s \
        -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -c unix_socket_directories=$run -c fsync=off" start \
        || true # its own wait may give up early on a slow first start; ours below decides
    wait_for PostgreSQL "$DIR/postgres/server.log" postgres_answers
    say "PostgreSQL started on 127.0.0.1:$POSTGRES_PORT (user postgres, no password)"
}

stop_postgres() {
    local data="$DIR/postgres/data"
    [[ -f "$data/postmaster.pid" ]] || return 0
    as_user postgres "$(pg_bin)/pg_ctl" -D "$data" -s -m fast stop && say "PostgreSQL stopped"
}

# --- MariaDB: a data directory of our own; user root with no password, from 127.0.0.1 -----------------
mariadb_answers() { mariadb -h 127.0.0.1 -P "$MARIADB_PORT" -u root -N -e 'SELECT 1' > /dev/null 2>&1; }
mariadb_socket_answers() { mariadb -S "$DIR/mariadb/mariadb.sock" -u root -e 'SELECT 1' > /dev/null 2>&1; }

start_mariadb() {
    if mariadb_answers; then
        say "MariaDB answers on 127.0.0.1:$MARIADB_PORT"
        return
    fi
    port_open "$MARIADB_PORT" && fail "port $MARIADB_PORT is taken by something that does not let root in without a password: stop it, or set MARIADB_PORT"
    apt_install mariadb-server
    local base="$DIR/mariadb" user=mysql
    [[ $EUID -eq 0 ]] || user="$(id -un)"
    own "$user" "$base"
    if [[ ! -d "$base/data/mysql" ]]; then
        as_user "$user" mariadb-install-db --no-defaults --datadir="$base/data" --auth-root-authentication-method=normal \
            --skip-test-db > "$base/install.log" 2>&1 || {
            tail -n 20 "$base/install.log" >&2
            fail "mariadb-install-db failed"
        }
    fi
    as_user "$user" setsid mariadbd --no-defaults --datadir="$base/data" --bind-address=127.0.0.1 --port="$MARIADB_PORT" \
        --socket="$base/mariadb.sock" --pid-file="$base/mariadb.pid" --log-error="$base/server.log" \
        --innodb-flush-log-at-trx-commit=0 --skip-name-resolve < /dev/null > /dev/null 2>&1 &
    # skip-name-resolve: 127.0.0.1 is matched as written, so root@127.0.0.1 must exist
    wait_for MariaDB "$base/server.log" mariadb_socket_answers
    mariadb -S "$base/mariadb.sock" -u root -e \
        "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
    wait_for MariaDB "$base/server.log" mariadb_answers
    say "MariaDB started on 127.0.0.1:$MARIADB_PORT (user root, no password)"
}

stop_mariadb() {
    local pidfile="$DIR/mariadb/mariadb.pid"
    [[ -f "$pidfile" ]] || return 0
    stop_pid MariaDB "$(cat "$pidfile")"
}

# --- Neo4j 5 LTS: jars from Maven Central, the launcher compiled once; Bolt only ------------------------
# Bolt answers with our credentials: asked through the project's driver when .venv has it (so a Neo4j that
# docker compose started is used as it is), else judged by our launcher's own word.
neo4j_answers() {
    port_open "$NEO4J_PORT" || return 1
    if [[ -x "$ROOT/.venv/bin/python" ]]; then
        "$ROOT/.venv/bin/python" -c '
import os, neo4j
auth = (os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])
with neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth, connection_timeout=5) as driver:
    driver.verify_connectivity()
' 2> /dev/null
    else
        grep -qx ready "$DIR/neo4j/server.log" 2> /dev/null
    fi
}

build_neo4j() {
    local base="$DIR/neo4j" stamp
    stamp="$(cat "$HERE/neo4j/pom.xml" "$HERE"/neo4j/src/main/java/datagraph/*.java | sha256sum | cut -c1-16)"
    [[ -f "$base/built-$stamp" ]] && return
    command -v mvn > /dev/null || apt_install maven
    command -v javac > /dev/null || apt_install openjdk-17-jdk-headless
    say "fetching Neo4j from Maven Central (once; ~90 MB)"
    rm -rf "${base:?}/lib" "${base:?}/classes" "${base:?}"/built-*
    mvn -B -q -f "$HERE/neo4j/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$base/lib" > "$base/maven.log" 2>&1 || {
        tail -n 30 "$base/maven.log" >&2
        fail "Maven could not fetch Neo4j (log: $base/maven.log)"
    }
    javac -d "$base/classes" -cp "$base/lib/*" "$HERE"/neo4j/src/main/java/datagraph/*.java \
        || fail "the Neo4j launcher did not compile"
    touch "$base/built-$stamp"
}

start_neo4j() {
    local base="$DIR/neo4j"
    mkdir -p "$base"
    if neo4j_answers; then
        say "Neo4j answers on $NEO4J_URI"
        return
    fi
    port_open "$NEO4J_PORT" && fail "port $NEO4J_PORT is taken by a program that does not let $NEO4J_USER in with services.env's password: stop it, or set NEO4J_URI and NEO4J_PASSWORD"
    build_neo4j
    # Neo4j holds a transaction's changes in its heap, capped at 70% of it: bench/lineage's 100k-column
    # catalog (1.36M quads in one commit) needs more than the 717 MiB a 1 GB heap allows.
    NEO4J_PASSWORD="$NEO4J_PASSWORD" setsid java -Xms256m "-Xmx$NEO4J_HEAP" -XX:+UseG1GC -cp "$base/classes:$base/lib/*" \
        datagraph.Neo4jServer "$base/home" "$NEO4J_PORT" < /dev/null > "$base/server.log" 2>&1 &
    echo $! > "$base/neo4j.pid"
    wait_for Neo4j "$base/server.log" neo4j_started
    say "Neo4j started on $NEO4J_URI (user $NEO4J_USER, password from services.env)"
}

# Fails at once (rather than after WAIT_S) when the launcher has exited.
neo4j_started() {
    kill -0 "$(cat "$DIR/neo4j/neo4j.pid")" 2> /dev/null || {
        tail -n 30 "$DIR/neo4j/server.log" >&2
        fail "Neo4j exited while starting (log: $DIR/neo4j/server.log)"
    }
    neo4j_answers
}

stop_neo4j() {
    local pidfile="$DIR/neo4j/neo4j.pid"
    [[ -f "$pidfile" ]] || return 0
    stop_pid Neo4j "$(cat "$pidfile")"
    rm -f "$pidfile"
}

stop_pid() {
    local name="$1" pid="$2"
    kill -0 "$pid" 2> /dev/null || return 0
    kill "$pid"
    for _ in $(seq 60); do
        kill -0 "$pid" 2> /dev/null || {
            say "$name stopped"
            return 0
        }
        sleep 0.5
    done
    kill -9 "$pid" 2> /dev/null || true
    say "$name killed after 30 s"
}

# report NAME WHERE CHECK...: say whether CHECK succeeds; returns its status.
report() {
    local name="$1" where="$2"
    shift 2
    if "$@"; then
        say "$name: answers on $where"
    else
        say "$name: not running"
        return 1
    fi
}

status() {
    local code=0
    report PostgreSQL "127.0.0.1:$POSTGRES_PORT" postgres_answers || code=1
    report MariaDB "127.0.0.1:$MARIADB_PORT" mariadb_answers || code=1
    report Neo4j "$NEO4J_URI" neo4j_answers || code=1
    return $code
}

mkdir -p "$DIR"
chmod 755 "$DIR"
case "${1:-start}" in
    start)
        start_postgres
        start_mariadb
        start_neo4j
        say "all running (${SECONDS}s; data and logs in $DIR; stop them with: make services-stop)"
        ;;
    stop)
        stop_neo4j
        stop_mariadb
        stop_postgres
        ;;
    status) status ;;
    *) fail "usage: $0 [start|stop|status]" ;;
esac
