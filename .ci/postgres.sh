# A throwaway PostgreSQL server for the test suite. Sourced by .ci/run (bash, set -euo pipefail).
#
#   postgres_install   Debian's postgresql package, unless a server binary is already there
#   postgres_start     a fresh cluster in a temp dir on a free 127.0.0.1 port, one database;
#                      exports TEST_POSTGRES_URL and TEST_POSTGRES_REQUIRED=1;
#                      stops and removes the cluster on exit (trap), whatever the tests did
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` OS user (the
# package creates it; created here when missing). As anyone else it runs as that user.
# The cluster trusts local connections and runs with fsync off: it lives for one test run.

PG_DIR=""
PG_BIN=""
PG_RUN=()

postgres_bindir() {
    # The newest installed server's bin directory (Debian: /usr/lib/postgresql/NN/bin).
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

postgres_install() {
    if [[ -n "$(postgres_bindir)" ]]; then
        echo "postgres.sh: PostgreSQL already installed ($(postgres_bindir))"
        return 0
    fi
    echo "postgres.sh: installing Debian's postgresql package"
    # No default cluster: this script makes its own, on its own port.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/factdesk-ci.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    [[ -n "$(postgres_bindir)" ]] || { echo "postgres.sh: no initdb after install" >&2; return 1; }
}

postgres_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

postgres_user_setup() {
    # Fills PG_RUN: the command prefix that runs a server program as a non-root user.
    if [[ "$(id -u)" != 0 ]]; then
        PG_RUN=()
        return 0
    fi
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    PG_RUN=(runuser -u postgres --)
}

postgres_stop() {
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
        echo "postgres.sh: cluster stopped and removed"
    fi
    PG_DIR=""
}

postgres_start() {
    PG_BIN=$(postgres_bindir)
    [[ -n "$PG_BIN" ]] || { echo "postgres.sh: PostgreSQL is not installed" >&2; return 1; }
    postgres_user_setup
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/factdesk-pg.XXXXXX")
    trap postgres_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    chmod 700 "$PG_DIR"
    if [[ "$(id -u)" == 0 ]]; then chown postgres: "$PG_DIR"; fi
    local port
    port=$(postgres_free_port)
    "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U factdesk --auth=trust \
        --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_DIR" \
        -o "-c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    "${PG_RUN[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U factdesk factdesk_test
    export TEST_POSTGRES_URL="postgresql://factdesk@127.0.0.1:$port/factdesk_test"
    export TEST_POSTGRES_REQUIRED=1
    echo "postgres.sh: $("$PG_BIN/postgres" --version) at $TEST_POSTGRES_URL"
}
