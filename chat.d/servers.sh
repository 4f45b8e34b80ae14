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

# pg_memory_opts: PostgreSQL's own page cache, an eighth of the machine's memory (at least its
# default 128 MB, at most 1 GB; CHAT_PG_SHARED_BUFFERS overrides, e.g. 4GB), and the planner told
# how much more the OS caches. At the default a search of W6's million messages read most of its
# pages through system calls into the OS's cache (docs/BENCHMARKS.md, "Search").
pg_memory_opts() {
    local kb mb
    kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
    mb=$(( kb / 1024 / 8 )); (( mb < 128 )) && mb=128; (( mb > 1024 )) && mb=1024
    echo "-c shared_buffers=${CHAT_PG_SHARED_BUFFERS:-${mb}MB} -c effective_cache_size=$(( kb / 1024 / 2 ))MB"
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
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $sock -c max_connections=200 $(pg_memory_opts) ${PG_EXTRA_OPTS:-}" start >/dev/null
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
        -o "-c listen_addresses=127.0.0.1 -p $PG_REPLICA_PORT -k $sock -c max_connections=200 $(pg_memory_opts) -c hot_standby=on" start >/dev/null
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

# brokers: how many RabbitMQ nodes this stack runs (CHAT_BROKERS, else what it was started with,
# else 1; ./chat test makes it 3): one, or a cluster on this machine.
brokers() {
    local n="${CHAT_BROKERS:-}"
    [[ -z "$n" && -s "$VAR/brokers" ]] && n="$(cat "$VAR/brokers")"
    [[ -z "$n" ]] && n=1
    [[ "$n" =~ ^[1-5]$ ]] || die "CHAT_BROKERS must be 1 to 5, not $n"
    echo "$n"
}

# broker_name K: the pid name (and var/ folder) of broker K (1: rabbitmq, then rabbitmq-2, ...).
broker_name() { [[ "$1" == 1 ]] && echo rabbitmq || echo "rabbitmq-$1"; }
# broker_node K: its Erlang node name; broker_port K: its AMQP port (the stack's AMQP port + K-1).
broker_node() { [[ "$1" == 1 ]] && echo "$RABBIT_NODE" || echo "rabbit-chat-${STACK}-$1@localhost"; }
broker_port() { echo $((AMQP_PORT + $1 - 1)); }
# broker_cluster: the AMQP addresses of brokers 2..N (host:port, comma-separated), which api and
# the ws-nodes get beside the first (chat.amqp.cluster): they connect to any and recover on another.
broker_cluster() {
    local k n; n="$(brokers)"; local out=()
    for ((k = 2; k <= n; k++)); do out+=("127.0.0.1:$(broker_port "$k")"); done
    (IFS=,; echo "${out[*]}")
}

# rabbit_env [K]: the environment of this stack's RabbitMQ node K (default 1) and of rabbitmqctl
# talking to it (its Erlang options: config/rabbitmq/rabbitmq-env.conf). Every node of a stack
# shares one Erlang cookie (one HOME) and one epmd.
rabbit_env() {
    local k="${1:-1}" dir; dir="$VAR/$(broker_name "${1:-1}")"
    export HOME="$VAR/rabbitmq/home"              # the Erlang cookie lives here: server and CLI share it
    export ERL_EPMD_PORT="$EPMD_PORT"
    export RABBITMQ_NODENAME; RABBITMQ_NODENAME="$(broker_node "$k")"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT; RABBITMQ_NODE_PORT="$(broker_port "$k")"
    export RABBITMQ_DIST_PORT=$((AMQP_DIST_PORT + k - 1))
    export RABBITMQ_CONF_ENV_FILE="$ROOT/config/rabbitmq/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
}

# launch_broker K: starts RabbitMQ node K in the background (not waiting for it).
launch_broker() {
    local k="$1" name dir port; name="$(broker_name "$k")"; dir="$VAR/$name"; port="$(broker_port "$k")"
    if alive "$name"; then say "$name already running"; return; fi
    mkdir -p "$VAR/rabbitmq/home" "$dir/mnesia" "$dir/log"
    render "$ROOT/config/rabbitmq/rabbitmq.conf" "AMQP_PORT=$port" > "$dir/rabbitmq.conf"
    cp "$ROOT/config/rabbitmq/enabled_plugins" "$dir/enabled_plugins"
    say "starting RabbitMQ ($name, $(broker_node "$k")) on 127.0.0.1:$port"
    (
        rabbit_env "$k"
        cd "$dir"   # whatever Erlang writes to its working directory stays under var/
        # setsid: RabbitMQ runs in its own process group, stopped (or killed) as a whole by its pid
        nohup setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$LOG/$name.log" 2>&1 &
        echo $! > "$RUN/$name.pid"
    )
}

# start_rabbitmq: epmd and every broker of the stack, started together (a node of a cluster
# restarted as a whole waits for the others), then brokers 2..N joined to broker 1 once.
start_rabbitmq() {
    local n k; n="$(brokers)"
    mkdir -p "$VAR"; echo "$n" > "$VAR/brokers"
    if ! alive epmd; then
        # our own epmd, so that we own (and stop) its pid and two stacks do not share one
        (
            rabbit_env
            nohup setsid epmd -address 127.0.0.1 -port "$EPMD_PORT" >"$LOG/epmd.log" 2>&1 &
            echo $! > "$RUN/epmd.pid"
        )
        sleep 0.3
    fi
    for ((k = 1; k <= n; k++)); do launch_broker "$k"; done
    for ((k = 1; k <= n; k++)); do wait_for "$(broker_name "$k")" 90 port_open "$(broker_port "$k")"; done
    for ((k = 2; k <= n; k++)); do join_broker "$k"; done
}

# join_broker K: broker K joins broker 1's cluster, the first time it starts (a member that
# restarts finds its cluster by itself).
join_broker() {
    local k="$1" marker; marker="$VAR/$(broker_name "$1")/joined"
    [[ -e "$marker" ]] && return
    say "joining $(broker_node "$k") to the cluster of $RABBIT_NODE"
    rabbit_ctl_on "$k" stop_app >/dev/null
    rabbit_ctl_on "$k" join_cluster "$RABBIT_NODE" >/dev/null || die "$(broker_node "$k") could not join the cluster"
    rabbit_ctl_on "$k" start_app >/dev/null
    touch "$marker"
}

stop_rabbitmq() {
    local f
    for f in "$RUN"/rabbitmq*.pid; do
        [[ -e "$f" ]] && stop_pid "$(basename "$f" .pid)" TERM group
    done
    stop_pid epmd TERM group
}

# rabbit_ctl ARGS...: rabbitmqctl, talking to this stack's broker 1; rabbit_ctl_on K ARGS...: to broker K.
rabbit_ctl() { rabbit_ctl_on 1 "$@"; }
rabbit_ctl_on() { local k="$1"; shift; ( rabbit_env "$k"; cd "$VAR"; /usr/lib/rabbitmq/bin/rabbitmqctl -q "$@" ); }
rabbit_started() { wait_for "$(broker_name "${1:-1}")" 60 rabbit_ctl_on "${1:-1}" await_startup; }

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

# render_nginx_conf: var/<stack>/nginx/nginx.conf, its upstreams the api instances and ws-nodes that
# run (chat.d/members.sh), checked.
render_nginx_conf() {
    local prefix="$VAR/nginx"
    render "$ROOT/nginx/nginx.conf.template" "PREFIX=$prefix" "LISTEN=127.0.0.1:$NGINX_PORT" \
        "HTTP_LISTEN=127.0.0.1:$NGINX_HTTP_PORT" "HTTPS_PORT=$NGINX_PORT" \
        "API_SERVERS=$(upstream_servers api)" "WS_SERVERS=$(upstream_servers ws)" > "$prefix/nginx.conf"
    nginx -t -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$LOG/nginx-check.log" 2>&1 \
        || { cat "$LOG/nginx-check.log" >&2; die "the nginx configuration is invalid"; }
}

start_nginx() {
    if alive nginx; then say "nginx already running"; return; fi
    local prefix="$VAR/nginx"
    mkdir -p "$prefix/logs" "$prefix/temp"
    make_certificate
    render_nginx_conf
    say "starting nginx (TLS, HTTP/2) on https://localhost:$NGINX_PORT"
    nohup nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" >"$LOG/nginx.log" 2>&1 &
    echo $! > "$RUN/nginx.pid"
}

# ./chat brokers [up|test]: the stack's broker nodes (running: a member the cluster counts as
# running, by `rabbitmqctl cluster_status` on any node that answers) and which node each client
# connection is on, one line each:
#   broker-2 rabbit-chat-test-2@localhost 127.0.0.1:7704 running
#   connection ws-node-ws-1 broker-2
cmd_brokers() {
    configure "${1:-up}"
    [[ -d "$RUN" ]] || die "the $STACK stack is not running"
    local n k status="" connections=""; n="$(brokers)"
    for ((k = 1; k <= n; k++)); do
        alive "$(broker_name "$k")" || continue
        status="$(rabbit_ctl_on "$k" cluster_status --formatter json 2>/dev/null)" || continue
        connections="$(rabbit_ctl_on "$k" list_connections --no-table-headers port client_properties 2>/dev/null)" || true
        break
    done
    local running; running="$(grep -o '"running_nodes":\[[^]]*\]' <<<"$status" || true)"
    for ((k = 1; k <= n; k++)); do
        local state=stopped
        [[ "$running" == *"\"$(broker_node "$k")\""* ]] && state=running
        echo "broker-$k $(broker_node "$k") 127.0.0.1:$(broker_port "$k") $state"
    done
    local port properties name
    while IFS=$'\t' read -r port properties; do
        [[ "$port" =~ ^[0-9]+$ ]] || continue
        # the name the client gave its connection (api-api-1, ws-node-ws-1, ...), from its client properties
        name="$(sed -n 's/.*{"connection_name","\([^"]*\)"}.*/\1/p' <<<"$properties")"
        echo "connection ${name:-unnamed} broker-$((port - AMQP_PORT + 1))"
    done <<<"$connections"
}
