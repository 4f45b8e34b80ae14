# Part of ./chat (sourced): the application, one api and two ws-nodes, built and started on the
# servers of servers.sh; a whole stack started and stopped; the commands that run one (up, down,
# status, logs, admin, restart).

build() {
    say "building (mvn install -DskipTests; log: var/$STACK/log/build.log)"
    if ! mvn -B -q install -DskipTests >"$LOG/build.log" 2>&1; then
        grep -E 'ERROR|error:' "$LOG/build.log" | head -n 30 >&2 || tail -n 30 "$LOG/build.log" >&2
        die "the build failed (log: var/$STACK/log/build.log)"
    fi
    # run from a copy, so a later build rewriting target/ never disturbs a running JVM
    rm -rf "$VAR/app"
    mkdir -p "$VAR/app/api" "$VAR/app/ws-node"
    cp -r api/target/chat-api.jar api/target/libs "$VAR/app/api/"
    cp -r ws-node/target/chat-ws-node.jar ws-node/target/libs "$VAR/app/ws-node/"
}

# What api and the ws-nodes share: where this stack's broker and Memcached are, and the token
# secret. Everything else is each module's default (its application.yaml), or comes from the
# environment ./chat was started with (CHAT_AMQP_USER=... ./chat up reaches the JVMs as it is).
common_env() {
    export CHAT_AMQP_PORT="$AMQP_PORT" CHAT_AMQP_CLUSTER; CHAT_AMQP_CLUSTER="$(broker_cluster)"
    export CHAT_MEMCACHED="127.0.0.1:$MEMCACHED_PORT"
    export CHAT_TOKEN_SECRET; CHAT_TOKEN_SECRET="$(secret token_secret)"
}

# api's and the ws-nodes' JVM options (config/jvm/); ./chat bench W1 adds a larger heap.
JVM_OPTS=("@$ROOT/config/jvm/server.options")

# jfr_opts NAME: with CHAT_BENCH_JFR=1, the JVM NAME records with Java Flight Recorder from its start
# (profile settings, under var/<stack>/jfr/); the load generator dumps the recordings after its
# ladder and prints each JVM's hottest methods (docs/BENCHMARKS.md)
jfr_opts() {
    [[ "${CHAT_BENCH_JFR:-}" == 1 ]] || return 0
    mkdir -p "$VAR/jfr"
    echo "-XX:StartFlightRecording=name=bench,settings=profile,dumponexit=true,filename=$VAR/jfr/$1.jfr"
}

# run_jvm NAME MODULE: the JVM of process NAME (api-1, ws-1, ...) running MODULE's jar from
# var/<stack>/app/MODULE/, in the background, its pid recorded. The caller's subshell sets its CHAT_*.
run_jvm() {
    local name="$1" module="$2" jfr
    mapfile -t jfr < <(jfr_opts "$name")
    cd "$VAR/app/$module"
    nohup "$JAVA_HOME/bin/java" "${JVM_OPTS[@]}" "${jfr[@]}" -jar "chat-$module.jar" >"$LOG/$name.log" 2>&1 &
    echo $! > "$RUN/$name.pid"
}

# start_api K: api instance api-K (its ports: api_port, api_internal_port).
start_api() {
    local k="${1:-1}" id="api-${1:-1}"
    if alive "$id"; then say "$id already running"; return; fi
    say "starting $id on 127.0.0.1:$(api_port "$k")"
    (
        common_env
        export CHAT_INSTANCE_ID="$id" CHAT_HTTP_PORT; CHAT_HTTP_PORT="$(api_port "$k")"
        export CHAT_INTERNAL_PORT; CHAT_INTERNAL_PORT="$(api_internal_port "$k")"  # frames from ws-nodes; not behind nginx
        export CHAT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME" CHAT_DB_USER="$DB_USER"
        export CHAT_DB_PASSWORD; CHAT_DB_PASSWORD="$(secret db_password)"
        export CHAT_CALLS_TURN_URLS="127.0.0.1:$TURN_PORT"
        [[ "$PG_REPLICA" == 1 ]] && export CHAT_DB_REPLICA_URL="jdbc:postgresql://127.0.0.1:$PG_REPLICA_PORT/$DB_NAME"
        export CHAT_CALLS_TURN_SECRET; CHAT_CALLS_TURN_SECRET="$(secret turn_secret)"
        export CHAT_PUSH_VAPID_KEY; CHAT_PUSH_VAPID_KEY="$(secret vapid_key)"  # Web Push: the private P-256 scalar
        run_jvm "$id" api
    )
}

# start_ws K: ws-node ws-K (its port: ws_port), handing frames to every running api instance (and to
# those that announce themselves later), connected to every broker of the cluster.
start_ws() {
    local k="$1" id="ws-$1"
    if alive "$id"; then say "$id already running"; return; fi
    say "starting $id on 127.0.0.1:$(ws_port "$k")"
    (
        common_env
        export CHAT_NODE_ID="$id" CHAT_WS_PORT; CHAT_WS_PORT="$(ws_port "$k")"
        export CHAT_API_URLS; CHAT_API_URLS="$(api_urls)"
        export CHAT_ALLOWED_ORIGINS="https://localhost:$NGINX_PORT,https://127.0.0.1:$NGINX_PORT"
        run_jvm "$id" ws-node
    )
}

http_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/health/ready"; }

# start_all [browser]: every server of the stack, built if needed, each waited for until ready;
# with `browser`, what the end-to-end tests need too.
start_all() {
    mkdir -p "$RUN" "$LOG"
    ensure_packages "${1:-}"
    [[ -n "${1:-}" ]] && ensure_emoji_font
    find_jdk
    start_postgres
    create_database "$DB_NAME"
    [[ "$STACK" == test ]] && create_database "${DB_NAME}_it"
    start_pg_replica    # after the databases: the clone has them
    start_rabbitmq
    start_memcached
    start_coturn
    if [[ "$STACK" == test ]]; then
        add_vhost chat_it
        start_memcached memcached-it "$MEMCACHED_IT_PORT"
    fi
    local apis="${CHAT_API_INSTANCES:-1}" nodes="${CHAT_WS_NODES:-2}" k
    [[ "$apis" =~ ^[1-9]$ && "$nodes" =~ ^[1-9]$ ]] || die "CHAT_API_INSTANCES and CHAT_WS_NODES must be 1 to 9"
    if [[ -z "$(members api)" || -z "$(members ws)" ]]; then
        build
    fi
    for ((k = 1; k <= apis; k++)); do start_api "$k"; done
    for ((k = 1; k <= apis; k++)); do wait_for "api-$k" 90 http_ready "$(api_port "$k")"; done
    for ((k = 1; k <= nodes; k++)); do start_ws "$k"; done
    for ((k = 1; k <= nodes; k++)); do wait_for "ws-$k" 60 http_ready "$(ws_port "$k")"; done
    start_nginx
    wait_for nginx 20 nginx_ready
}

# stop_pid NAME [SIGNAL] [group]: stops what this stack started as NAME, by its recorded pid (and
# its process group with `group`); killed when it does not stop in 10 s.
stop_pid() {
    local name="$1" signal="${2:-TERM}" group="${3:-}"
    local pid; pid="$(pid_of "$name")"
    [[ -n "$pid" ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        local target="$pid"; [[ -n "$group" ]] && target="-$pid"
        kill "-$signal" -- "$target" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            warn "$name (pid $pid) did not stop in 10 s: killing it"
            kill -KILL -- "$target" 2>/dev/null || true
        fi
        echo "   stopped $name (pid $pid)"
    fi
    rm -f "$RUN/$name.pid"
}

# stop_all: only what this stack started, by its recorded pids
stop_all() {
    [[ -d "$RUN" ]] || return 0
    stop_pid nginx QUIT
    local f
    for f in "$RUN"/ws-*.pid "$RUN"/api-*.pid; do
        [[ -e "$f" ]] && stop_pid "$(basename "$f" .pid)"
    done
    rm -f "$RUN"/*.draining
    stop_pid memcached
    stop_pid memcached-it
    stop_pid coturn
    stop_rabbitmq
    stop_pg_replica
    stop_postgres
}

cmd_up() {
    configure up
    start_all
    echo
    say "the chat is up: $URL"
    echo "    (self-signed certificate: accept it once in the browser)"
    echo "    ./chat status    ./chat logs    ./chat down"
}

cmd_down() {
    configure up
    say "stopping the stack of var/up"
    stop_all
}

# ready NAME PORT: whether the running process NAME answers (yes or no).
ready() {
    case "$1" in
        api-*|ws-*) http_ready "$2" ;;
        nginx) nginx_ready ;;
        *) port_open "$2" ;;
    esac && echo yes || echo no
}

# restart_broker K: one node of the broker cluster stopped (if it runs) and started again; it
# finds its cluster by itself and is ready when it answers.
restart_broker() {
    local k="$1" name; name="$(broker_name "$1")"
    (( k <= $(brokers) )) || die "this stack runs $(brokers) broker(s)"
    stop_pid "$name" TERM group
    launch_broker "$k"
    wait_for "$name" 90 port_open "$(broker_port "$k")"
    rabbit_started "$k"
}

cmd_status() {
    configure "${1:-up}"
    printf '%-17s %-8s %-8s %-6s %s\n' COMPONENT PID STATE PORT READY
    local entry name port pid state answer
    local brokers=() apps=() k
    for ((k = 1; k <= $(brokers); k++)); do brokers+=("$(broker_name "$k"):$(broker_port "$k")"); done
    for k in $(members api); do apps+=("api-$k:$(api_port "$k")"); done
    for k in $(members ws); do apps+=("ws-$k:$(ws_port "$k")"); done
    (( ${#apps[@]} > 0 )) || apps=("api-1:$API_PORT" "ws-1:$WS1_PORT" "ws-2:$WS2_PORT")
    for entry in "postgres:$PG_PORT" "postgres-replica:$PG_REPLICA_PORT" "${brokers[@]}" "memcached:$MEMCACHED_PORT" \
                 "coturn:$TURN_PORT" "${apps[@]}" "nginx:$NGINX_PORT"; do
        name="${entry%%:*}"; port="${entry##*:}"
        pid="$(pid_of "$name")"; state=stopped; answer=-
        if alive "$name"; then state=running; answer="$(ready "$name" "$port")"; fi
        printf '%-17s %-8s %-8s %-6s %s\n' "$name" "${pid:--}" "$state" "$port" "$answer"
    done
    alive nginx && echo "open $URL"
    return 0
}

cmd_logs() {
    configure up
    if [[ -n "${1:-}" ]]; then exec tail -n 100 -F "$LOG/$1.log"; fi
    exec tail -n 20 -F "$LOG"/*.log
}

cmd_admin() {
    [[ "${1:-}" == create && -n "${2:-}" ]] || die "usage: ./chat admin create NAME [up|test]"
    configure "${3:-up}"
    [[ -f "$VAR/app/api/chat-api.jar" ]] || die "start the $STACK stack first (./chat up)"
    find_jdk
    (
        common_env
        export CHAT_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME" CHAT_DB_USER="$DB_USER"
        export CHAT_DB_PASSWORD; CHAT_DB_PASSWORD="$(secret db_password)"
        export CHAT_LOG_LEVEL=WARNING
        "$JAVA_HOME/bin/java" -cp "$VAR/app/api/chat-api.jar" dev.chat.api.AdminBootstrap create "$2"
    )
}

cmd_restart() {
    local name="${1:-}"
    configure "${2:-up}"
    [[ -d "$RUN" ]] || die "the $STACK stack is not running"
    find_jdk
    case "$name" in
        api-[0-9]*) stop_pid "$name"; start_api "${name#api-}"; wait_for "$name" 90 http_ready "$(api_port "${name#api-}")" ;;
        ws-[0-9]*) stop_pid "$name"; start_ws "${name#ws-}"; wait_for "$name" 60 http_ready "$(ws_port "${name#ws-}")" ;;
        rabbitmq) stop_rabbitmq; start_rabbitmq; rabbit_started ;;
        broker-[1-5]) restart_broker "${name#broker-}" ;;
        *) die "restart what? api-K, ws-K, rabbitmq (every broker) or broker-K (one node of the cluster)" ;;
    esac
    say "$name is ready"
}
