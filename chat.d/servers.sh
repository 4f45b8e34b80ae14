# Part of ./chat (sourced): the servers the application stands on, PostgreSQL, RabbitMQ and
# Memcached, coturn (STUN and TURN for calls), and nginx in front; each started on loopback with its
# data and logs under var/<stack>/. Their configuration files are in config/ and nginx/.

# PostgreSQL runs as user postgres: it must be able to reach its data under var/ even when the
# checkout lives in a private directory (mktemp -d is 0700), so parents get o+x (traverse only).
open_path_for_postgres() {
    local d="$VAR"
    while [[ "$d" != / ]]; do
        chmod o+x "$d" 2>/dev/null || true
        d="$(dirname "$d")"
    done
}

# init_postgres DATA: a new cluster in DATA whose superuser password is the stack's secret.
init_postgres() {
    local data="$1"
    say "initialising PostgreSQL in var/$STACK/postgres"
    secret postgres_password > "$VAR/postgres/pwfile"
    chown -R postgres:postgres "$VAR/postgres"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$VAR/postgres/pwfile" >"$LOG/postgres-init.log" 2>&1 \
        || { tail -n 20 "$LOG/postgres-init.log" >&2; die "initdb failed"; }
    rm -f "$VAR/postgres/pwfile"
}

start_postgres() {
    local data="$VAR/postgres/data" sock="$VAR/postgres/sock"
    if [[ -s "$data/postmaster.pid" ]] && kill -0 "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null; then
        say "postgres already running"; return
    fi
    mkdir -p "$VAR/postgres" "$sock"
    open_path_for_postgres
    [[ -s "$data/PG_VERSION" ]] || init_postgres "$data"
    chown -R postgres:postgres "$VAR/postgres"
    touch "$LOG/postgres.log"; chown postgres "$LOG/postgres.log"
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$LOG/postgres.log" -W \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $sock -c max_connections=200 ${PG_EXTRA_OPTS:-}" start >/dev/null
    wait_for postgres 30 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q
    head -n 1 "$data/postmaster.pid" > "$RUN/postgres.pid"
}

stop_postgres() {
    local data="$VAR/postgres/data"
    if [[ -s "$data/postmaster.pid" ]] && kill -0 "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null; then
        find_pg_bin
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 \
            || stop_pid postgres INT
        echo "   stopped postgres"
    fi
    rm -f "$RUN/postgres.pid"
}

# start_pg_replica: a streaming hot standby of the stack's PostgreSQL on PG_REPLICA_PORT (the
# primary's port + 1), when PG_REPLICA is 1. Cloned once with pg_basebackup -R (which writes the
# standby's primary_conninfo and standby.signal) over the primary's Unix socket, where the postgres
# user is trusted, so no password is kept; api reads history from it (docs/ARCHITECTURE.md).
start_pg_replica() {
    [[ "$PG_REPLICA" == 1 ]] || return 0
    local data="$VAR/postgres/replica" sock="$VAR/postgres/sock-replica"
    if alive postgres-replica; then say "postgres-replica already running"; return; fi
    mkdir -p "$sock"; chown postgres:postgres "$sock"
    if [[ ! -s "$data/PG_VERSION" ]]; then
        say "cloning PostgreSQL into var/$STACK/postgres/replica (pg_basebackup -R)"
        runuser -u postgres -- "$PG_BIN/pg_basebackup" -h "$VAR/postgres/sock" -p "$PG_PORT" -U postgres \
            -D "$data" -R -X stream -c fast >"$LOG/postgres-replica-init.log" 2>&1 \
            || { tail -n 20 "$LOG/postgres-replica-init.log" >&2; die "pg_basebackup failed"; }
    fi
    touch "$LOG/postgres-replica.log"; chown postgres "$LOG/postgres-replica.log"
    say "starting the PostgreSQL replica (hot standby) on 127.0.0.1:$PG_REPLICA_PORT"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$LOG/postgres-replica.log" -W \
        -o "-c listen_addresses=127.0.0.1 -p $PG_REPLICA_PORT -k $sock -c max_connections=200 -c hot_standby=on" start >/dev/null
    wait_for postgres-replica 30 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_REPLICA_PORT" -q
    head -n 1 "$data/postmaster.pid" > "$RUN/postgres-replica.pid"
}

stop_pg_replica() {
    local data="$VAR/postgres/replica"
    if alive postgres-replica; then
        find_pg_bin
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 \
            || stop_pid postgres-replica INT
        echo "   stopped postgres-replica"
    fi
    rm -f "$RUN/postgres-replica.pid"
}

# pg_admin ARGS...: psql as PostgreSQL's superuser on this stack's server.
pg_admin() {
    PGPASSWORD="$(secret postgres_password)" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

# create_database NAME: the application role and a database it owns (idempotent).
create_database() {
    local db="$1" password; password="$(secret db_password)"
    local psql=(pg_admin -v ON_ERROR_STOP=1 -qAt)
    if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]]; then
        "${psql[@]}" -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$password'" >/dev/null
    fi
    if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
        "${psql[@]}" -c "CREATE DATABASE \"$db\" OWNER \"$DB_USER\"" >/dev/null
    fi
}

# rabbit_env: the environment of this stack's RabbitMQ node and of rabbitmqctl talking to it (its
# Erlang options: config/rabbitmq/rabbitmq-env.conf).
rabbit_env() {
    export HOME="$VAR/rabbitmq/home"              # the Erlang cookie lives here: server and CLI share it
    export ERL_EPMD_PORT="$EPMD_PORT"
    export RABBITMQ_NODENAME="$RABBIT_NODE"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$AMQP_PORT"
    export RABBITMQ_DIST_PORT="$AMQP_DIST_PORT"
    export RABBITMQ_CONF_ENV_FILE="$ROOT/config/rabbitmq/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$VAR/rabbitmq/rabbitmq"
    export RABBITMQ_MNESIA_BASE="$VAR/rabbitmq/mnesia"
    export RABBITMQ_LOG_BASE="$VAR/rabbitmq/log"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$VAR/rabbitmq/enabled_plugins"
}

start_rabbitmq() {
    if alive rabbitmq; then say "rabbitmq already running"; return; fi
    mkdir -p "$VAR/rabbitmq/home" "$VAR/rabbitmq/mnesia" "$VAR/rabbitmq/log"
    render "$ROOT/config/rabbitmq/rabbitmq.conf" "AMQP_PORT=$AMQP_PORT" > "$VAR/rabbitmq/rabbitmq.conf"
    cp "$ROOT/config/rabbitmq/enabled_plugins" "$VAR/rabbitmq/enabled_plugins"
    say "starting RabbitMQ on 127.0.0.1:$AMQP_PORT"
    (
        rabbit_env
        # our own epmd, so that we own (and stop) its pid and two stacks do not share one
        nohup setsid epmd -address 127.0.0.1 -port "$EPMD_PORT" >"$LOG/epmd.log" 2>&1 &
        echo $! > "$RUN/epmd.pid"
        sleep 0.3
        # setsid: RabbitMQ runs in its own process group, stopped as a whole by its pid
        nohup setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$LOG/rabbitmq.log" 2>&1 &
        echo $! > "$RUN/rabbitmq.pid"
    )
    wait_for rabbitmq 60 port_open "$AMQP_PORT"
}

stop_rabbitmq() {
    stop_pid rabbitmq TERM group
    stop_pid epmd TERM group
}

# rabbit_ctl ARGS...: rabbitmqctl, talking to this stack's broker.
rabbit_ctl() { ( rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -q "$@" ); }
rabbit_started() { wait_for rabbitmq 60 rabbit_ctl await_startup; }

# add_vhost NAME: an isolated namespace on the broker (the integration tests get their own, so
# their api never competes with the stack's api for the commands queue).
add_vhost() {
    rabbit_started
    rabbit_ctl add_vhost "$1" >/dev/null 2>&1 || true
    rabbit_ctl set_permissions -p "$1" "$AMQP_USER" '.*' '.*' '.*' >/dev/null
}

# start_memcached [NAME PORT]: the stack's Memcached (or another one, e.g. for integration tests).
start_memcached() {
    local name="${1:-memcached}" port="${2:-$MEMCACHED_PORT}"
    if alive "$name"; then say "$name already running"; return; fi
    say "starting Memcached ($name) on 127.0.0.1:$port"
    local user=(); [[ $EUID -eq 0 ]] && user=(-u memcache)
    nohup memcached "${user[@]}" -l 127.0.0.1 -p "$port" -U 0 -m 64 >"$LOG/$name.log" 2>&1 &
    echo $! > "$RUN/$name.pid"
    wait_for "$name" 10 memcached_ready "$port"
}
memcached_ready() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'version\r\n' >&3
    local line; read -r -t 1 line <&3 || true
    exec 3>&-
    [[ "$line" == VERSION* ]]
}

# start_coturn: STUN and TURN for calls, on loopback: the TCP and UDP port TURN_PORT, relays from
# TURN_MIN_PORT..TURN_MAX_PORT. Only time-limited credentials are accepted (coturn's REST scheme:
# api signs them with the stack's turn_secret, which goes in the configuration file, never on the
# command line); loopback peers are allowed, since every browser and relay here is on 127.0.0.1.
start_coturn() {
    if alive coturn; then say "coturn already running"; return; fi
    mkdir -p "$VAR/coturn"
    (umask 077; render "$ROOT/config/coturn/turnserver.conf" "TURN_PORT=$TURN_PORT" "TURN_MIN_PORT=$TURN_MIN_PORT" \
        "TURN_MAX_PORT=$TURN_MAX_PORT" "TURN_SECRET=$(secret turn_secret)" "PID_FILE=$VAR/coturn/turnserver.pid" \
        > "$VAR/coturn/turnserver.conf")
    say "starting coturn (STUN/TURN) on 127.0.0.1:$TURN_PORT, relays on $TURN_MIN_PORT-$TURN_MAX_PORT"
    nohup turnserver -c "$VAR/coturn/turnserver.conf" >"$LOG/coturn.log" 2>&1 &
    echo $! > "$RUN/coturn.pid"
    wait_for coturn 20 port_open "$TURN_PORT"
}

make_certificate() {
    local tls="$VAR/nginx/tls"
    [[ -s "$tls/cert.pem" ]] && return
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$tls/key.pem" -out "$tls/cert.pem" >"$LOG/openssl.log" 2>&1 || die "could not make a TLS certificate"
    chmod 600 "$tls/key.pem"
}

nginx_ready() { curl -fsSk -o /dev/null --max-time 2 "https://127.0.0.1:$NGINX_PORT/health/ready"; }

start_nginx() {
    if alive nginx; then say "nginx already running"; return; fi
    local prefix="$VAR/nginx"
    mkdir -p "$prefix/logs" "$prefix/temp"
    make_certificate
    render "$ROOT/nginx/nginx.conf.template" "PREFIX=$prefix" "LISTEN=127.0.0.1:$NGINX_PORT" \
        "HTTP_LISTEN=127.0.0.1:$NGINX_HTTP_PORT" "HTTPS_PORT=$NGINX_PORT" \
        "API_SERVERS=server 127.0.0.1:$API_PORT;" \
        "WS_SERVERS=server 127.0.0.1:$WS1_PORT; server 127.0.0.1:$WS2_PORT;" > "$prefix/nginx.conf"
    nginx -t -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$LOG/nginx-check.log" 2>&1 \
        || { cat "$LOG/nginx-check.log" >&2; die "the nginx configuration is invalid"; }
    say "starting nginx (TLS, HTTP/2) on https://localhost:$NGINX_PORT"
    nohup nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$LOG/nginx.log" 2>&1 &
    echo $! > "$RUN/nginx.pid"
}
