# Part of ./chat (sourced): ./chat bench, the load generator and the benchmark tests, each against
# a fresh test stack (docs/BENCHMARKS.md).

BENCH_WORKLOADS=(W1 W2 W3 W4 W5 W6 broker echo)

# bench_java WORKLOAD: the load generator (bench module) against the running test stack.
bench_java() {
    local db_password; db_password="$(secret db_password)"
    # CHAT_BENCH_JFR=1: the server JVMs record (jfr_opts); the recordings are dumped to var/bench/jfr
    local jfr=(); [[ "${CHAT_BENCH_JFR:-}" == 1 ]] && jfr=(-Dbench.jfr="$ROOT/var/bench/jfr")
    # CHAT_BENCH_OPTS: extra -D settings, e.g. -Dbench.step.seconds=5 for a quick look
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" "@$ROOT/config/jvm/bench.options" "${jfr[@]}" ${CHAT_BENCH_OPTS:-} \
        -Dbench.url="https://localhost:$NGINX_PORT" -Dbench.certificate="$VAR/nginx/tls/cert.pem" \
        -Dbench.db.url="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME" -Dbench.db.user="$DB_USER" \
        -Dbench.db.password="$db_password" -Dbench.token.secret="$(secret token_secret)" \
        -Dbench.amqp.port="$AMQP_PORT" -Dbench.amqp.vhost=bench -Dbench.run="$RUN" -Dbench.out="$ROOT/var/bench" \
        -Dbench.pg.admin.password="$(secret postgres_password)" -Dbench.pg.log="$LOG/postgres.log" \
        -cp "$ROOT/bench/target/chat-bench.jar" dev.chat.bench.Bench "$@"
}

# start_echo: the connection path's baseline, a bare Helidon WebSocket echo behind the same nginx.
start_echo() {
    say "starting the bare WebSocket echo on 127.0.0.1:$ECHO_PORT (nginx: /bench/echo)"
    nohup "$JAVA_HOME/bin/java" "${JVM_OPTS[@]}" -cp "$ROOT/bench/target/chat-bench.jar" dev.chat.bench.Bench echo-server "$ECHO_PORT" \
        >"$LOG/echo.log" 2>&1 &
    echo $! > "$RUN/echo.pid"
    mkdir -p "$VAR/nginx/bench"
    render "$ROOT/nginx/bench-echo.conf.template" "ECHO_PORT=$ECHO_PORT" > "$VAR/nginx/bench/echo.conf"
}

# bench_echo: only nginx and the echo, no application behind them.
bench_echo() {
    mkdir -p "$RUN" "$LOG"
    find_jdk
    build
    start_echo
    start_nginx
    wait_for nginx 20 port_open "$NGINX_PORT" # no api behind it: its /health/ready cannot answer
    bench_java echo
}

# bench_fanout: FanOutBenchmark (module it), 500 live sessions in one channel.
bench_fanout() {
    say "running the fan-out benchmark (500 live sessions in one channel)"
    stack_settings
    only_classes FanOutBenchmark
    mvn -B -q verify -pl it -am "${ONLY[@]}" "${STACK_SETTINGS[@]}"
    cat it/target/benchmark-fanout.txt
}

# bench_page page|page-latency: the heavy account, then send → shown between two browsers;
# page-latency: only the latter (no seeding). CHAT_BENCH_OPTS: extra -D settings, e.g.
# -Dchat.bench.latency.messages=10
bench_page() {
    local classes=PageBenchmark,PageLatencyBenchmark
    if [[ "$1" == page-latency ]]; then
        classes=PageLatencyBenchmark
        say "running the page latency benchmark (send in one browser → shown in the other, in Chromium)"
    else
        say "running the page benchmarks (200 conversations, one of 10,000 messages; send → shown, in Chromium)"
    fi
    rm -f e2e/target/benchmark-page.txt # each benchmark class appends its figures
    stack_settings
    only_classes "$classes"
    # shellcheck disable=SC2086
    mvn -B -q verify -pl e2e "${ONLY[@]}" -Dfailsafe.runOrder=alphabetical "${STACK_SETTINGS[@]}" ${CHAT_BENCH_OPTS:-}
    cat e2e/target/benchmark-page.txt
}

cmd_bench() {
    local which="${1:-}"
    case "$which" in
        W1|W2|W3|W4|W5|W6|broker|echo|fanout|page|page-latency|partitions|all) ;;
        w[1-6]) which="${which^^}" ;;
        *) die "bench what? one of ${BENCH_WORKLOADS[*]}, all (every one, each on a fresh stack), fanout, page, page-latency or partitions" ;;
    esac
    if [[ "$which" == all ]]; then
        local w
        for w in "${BENCH_WORKLOADS[@]}"; do "$ROOT/chat" bench "$w" || die "bench $w failed"; done
        return
    fi
    # one broker and no replica unless asked (CHAT_BROKERS=3, CHAT_PG_REPLICA=1): the figures stay
    # comparable with the earlier ones
    export CHAT_BROKERS="${CHAT_BROKERS:-1}" CHAT_PG_REPLICA="${CHAT_PG_REPLICA:-0}"
    configure test
    # shellcheck source=/dev/null
    if [[ "$which" == partitions ]]; then source "$ROOT/bench/pg/partitions.sh"; bench_partitions; return; fi
    fresh_stack "the benchmark servers"
    mkdir -p "$ROOT/var/bench"
    if [[ "$which" == echo ]]; then bench_echo; return; fi
    # CHAT_BENCH_PGSTAT=1: PostgreSQL counts every statement (pg_stat_statements); the costliest go
    # to var/bench/pgstat-WORKLOAD.txt when the run ends
    # W6 loads auto_explain, off (its default) until the workload turns it on (ALTER SYSTEM, which a
    # setting on the command line would override) to show the slowest search's plan
    local preload=()
    [[ "$which" == W6 ]] && preload+=(auto_explain)
    [[ "${CHAT_BENCH_PGSTAT:-}" == 1 ]] && preload+=(pg_stat_statements)
    (( ${#preload[@]} )) && PG_EXTRA_OPTS+=" -c shared_preload_libraries=$(IFS=,; echo "${preload[*]}")"
    if [[ "${CHAT_BENCH_PGSTAT:-}" == 1 ]]; then
        PG_EXTRA_OPTS+=" -c pg_stat_statements.track=all -c track_io_timing=on"
        trap "pg_statements '$ROOT/var/bench/pgstat-${which,,}.txt'; say 'stopping the benchmark servers'; stop_pid echo; stop_all" EXIT
    fi
    # 10,000 sockets per ws-node need more than the usual heap; W1 reports what they cost
    [[ "$which" == W1 ]] && JVM_OPTS+=("@$ROOT/config/jvm/many-sockets.options")
    start_all browser
    [[ "$which" == broker ]] && add_vhost bench
    [[ "${CHAT_BENCH_PGSTAT:-}" == 1 ]] && pg_admin -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    # CHAT_BENCH_NO_SEARCH=1: without the search vector, the word-pair and link indexes (V13, V17),
    # to measure what they cost the send path (W3 with and without, docs/BENCHMARKS.md "Issue 19")
    if [[ "${CHAT_BENCH_NO_SEARCH:-}" == 1 ]]; then
        say "dropping the search vector and its indexes (CHAT_BENCH_NO_SEARCH=1)"
        pg_admin -d "$DB_NAME" -v ON_ERROR_STOP=1 -qc "DROP INDEX messages_search_pairs_idx; ALTER TABLE messages DROP COLUMN search, DROP COLUMN has_link" >/dev/null
    fi
    # CHAT_BENCH_NO_EVENT_LOG=1: without the event log's stream (api declared it at start; deleted,
    # the BCC copies route nowhere), to measure what the log costs the broker (docs/BENCHMARKS.md)
    if [[ "${CHAT_BENCH_NO_EVENT_LOG:-}" == 1 ]]; then
        say "deleting the event log's stream (CHAT_BENCH_NO_EVENT_LOG=1)"
        rabbit_ctl delete_queue chat.events.log >/dev/null
    fi
    case "$which" in
        fanout) bench_fanout ;;
        page|page-latency) bench_page "$which" ;;
        *)
            say "running workload $which (figures also appended to var/bench/${which,,}.txt)"
            bench_java "$which" ;;
    esac
}

# pg_statements FILE: the statements that cost PostgreSQL the most time since it started.
pg_statements() {
    pg_admin -d "$DB_NAME" -P pager=off -c "
        SELECT calls, round(total_exec_time)::bigint AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
               rows, shared_blks_hit AS hit, shared_blks_read AS read, round(blk_read_time) AS read_ms,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30" >"$1" 2>&1 || true
    say "PostgreSQL's costliest statements: $1"
}
