# Part of ./chat bench partitions (sourced by chat.d/bench.sh): messages partitioned by conversation
# against messages as it is, on a copy: a scratch database on the test stack's PostgreSQL alone with
# the real schema (Flyway's V*.sql) and generated history; the migration path
# (schema/partitioning/messages_by_conversation.sql) run on it and checked; then the history page
# (EXPLAIN (ANALYZE, BUFFERS), and pages a second) and the send (latency at 100 and 1,000 a second,
# and the most a second) on each table, with pgbench. Figures: var/bench/partitions.txt
# (docs/BENCHMARKS.md, "Partitioning messages"). CHAT_BENCH_OPTS: e.g. "big=100000 per=450 convs=2000
# secs=20"; with CHAT_BENCH_REUSE=1 (the copy of the last run measured again), "only=sends".

bench_partitions() {
    local db=chat_partitions out="$ROOT/var/bench/partitions.txt" dir="$ROOT/bench/pg" users=200 convs=2000 big=100000 per=450 secs=20
    local opt; for opt in ${CHAT_BENCH_OPTS:-}; do local "${opt%%=*}=${opt#*=}"; done
    note() { echo "$*" | tee -a "$out"; }
    local psql=(pg_admin -d "$db" -v ON_ERROR_STOP=1 -q)
    # CHAT_BENCH_REUSE=1: measure again on the copy a previous run left in var/test
    if [[ "${CHAT_BENCH_REUSE:-}" == 1 && -s "$VAR/postgres/data/PG_VERSION" ]]; then
        trap "say 'stopping the benchmark servers'; stop_all" EXIT
        mkdir -p "$RUN" "$LOG" "$ROOT/var/bench"
        find_pg_bin
        start_postgres
        note "(measured again on the copy of the previous run)"
        partitions_measure
        return
    fi
    fresh_stack "the benchmark servers"
    mkdir -p "$RUN" "$LOG" "$ROOT/var/bench"
    ensure_packages
    start_postgres
    create_database "$db"
    : > "$out"
    say "the schema (Flyway's V*.sql, in order) in the scratch database $db"
    local f
    while read -r f; do "${psql[@]}" -f "$f" >/dev/null; done < <(ls "$ROOT"/schema/src/main/resources/db/migration/V*.sql | sort -V)
    say "history: $convs chats, one of $big messages, the others $per each"
    local t0=$SECONDS
    "${psql[@]}" -v users="$users" -v convs="$convs" -v big="$big" -v per="$per" -f "$dir/generate.sql" >/dev/null
    note "generated $(count_rows messages) messages in $((SECONDS - t0)) s ($convs chats: one of $big, the others $per)"
    t0=$SECONDS
    "${psql[@]}" -f "$ROOT/schema/partitioning/messages_by_conversation.sql" >/dev/null
    note "the migration path (copy into 16 hash partitions + message_keys, indexes, reactions' key): $((SECONDS - t0)) s"
    "${psql[@]}" -f "$dir/check.sql" | tee -a "$out"
    note "sizes: $(pg_admin -d "$db" -qAt -c "SELECT 'messages ' || pg_size_pretty(pg_total_relation_size('messages'))
        || ', messages_p ' || pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'messages_p'::regclass))
        || ', message_keys ' || pg_size_pretty(pg_total_relation_size('message_keys'))")"
    partitions_measure
}

# partitions_measure: the plans, then pages and sends on each table (bench_partitions' variables).
partitions_measure() {
    local table
    [[ "${only:-}" == sends ]] || partitions_pages
    partitions_sends
}

partitions_pages() {
    for table in messages messages_p; do explain_page "$db" "$table" | tee -a "$out"; done
    # each measure on both tables one after the other, so that both see the same machine (it is shared)
    for table in messages messages_p; do
        pgbench_run "$db" "pages of $table, newest" "$(page_script "$table" 0)" -c 4 -j 2 -T "$secs"
    done
    for table in messages messages_p; do
        pgbench_run "$db" "pages of $table, older" "$(page_script "$table" 1)" -c 4 -j 2 -T "$secs"
    done
    # a plan made for each page's own parameters (pruned while planning), not a prepared one
    for table in messages messages_p; do
        pgbench_run "$db" "pages of $table, newest, planned each time" "$(page_script "$table" 0)" -c 4 -j 2 -T "$secs" -M extended
    done
}

partitions_sends() {
    for table in messages messages_p; do
        pgbench_run "$db" "sends into $table at 100/s" "$(send_script "$table")" -c 4 -j 2 -R 100 -T "$secs"
    done
    for table in messages messages_p; do
        pgbench_run "$db" "sends into $table at 1000/s" "$(send_script "$table")" -c 8 -j 2 -R 1000 -T "$secs"
    done
    for table in messages messages_p; do
        pgbench_run "$db" "sends into $table, most a second" "$(send_script "$table")" -c 8 -j 2 -T "$secs"
    done
    say "figures: $out"
}

count_rows() { pg_admin -d chat_partitions -qAt -c "SELECT count(*) FROM $1"; }

# explain_page DB TABLE: the plan of the newest page and of a page deep in the big chat, warmed once.
explain_page() {
    local db="$1" table="$2" before
    for before in 100001 50000; do
        echo "--- EXPLAIN (ANALYZE, BUFFERS) page of $table, big chat, seq < $before"
        local sql
        sql="$(sed -n '/^SELECT m\./,$p' "$ROOT/bench/pg/page.pgbench" | sed "s/@TABLE@/$table/g; s/:conv/(SELECT id FROM bench_convs WHERE n = 1)/; s/:before/$before/")"
        pg_admin -d "$db" -qAt -c "$sql" >/dev/null
        pg_admin -d "$db" -qAt -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql%;}"
    done
}

page_script() {
    local f="$ROOT/var/bench/page-$1-$2.pgbench"
    sed "s/@TABLE@/$1/g; s/:older/$2/g" "$ROOT/bench/pg/page.pgbench" > "$f"
    echo "$f"
}

send_script() {
    local f="$ROOT/var/bench/send-$1.pgbench" values insert
    values="VALUES (:conv::uuid, :seq::bigint, (SELECT id FROM bench_users WHERE n = :u), 's-' || :seq::text || '-' || :c::text, 'deploy the release on friday after the review https://example.com/r')"
    if [[ "$1" == messages ]]; then
        insert="INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body) $values ON CONFLICT (sender_id, client_msg_id) DO NOTHING;"
    else
        insert="WITH s(conversation_id, seq, sender_id, client_msg_id, body) AS ($values), k AS (INSERT INTO message_keys (sender_id, client_msg_id, conversation_id, seq) SELECT sender_id, client_msg_id, conversation_id, seq FROM s ON CONFLICT DO NOTHING RETURNING sender_id, client_msg_id) INSERT INTO messages_p (conversation_id, seq, sender_id, client_msg_id, body) SELECT s.conversation_id, s.seq, s.sender_id, s.client_msg_id, s.body FROM s JOIN k USING (sender_id, client_msg_id);"
    fi
    local template; template="$(cat "$ROOT/bench/pg/send.pgbench")"
    echo "${template//@INSERT@/$insert}" > "$f"
    echo "$f"
}

# pgbench_run DB TITLE SCRIPT ARGS...: prepared statements as api's driver makes them; commits not
# waiting for the disk (synchronous_commit off): the tables' own cost, not this machine's fsync
pgbench_run() {
    local db="$1" title="$2" script="$3"; shift 3
    say "$title"
    local result
    result="$(PGOPTIONS="-c synchronous_commit=off" PGPASSWORD="$(secret postgres_password)" nice -n 10 "$PG_BIN/pgbench" \
        -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -D convs="$convs" -D users="$users" \
        -f "$script" "$@" "$db" 2>&1)" || { echo "$result" >&2; die "pgbench failed: $title"; }
    note "$title: $(echo "$result" | grep -E '^(latency average|latency stddev|tps)' | sed 's/ (without initial connection time)//' | paste -sd ';' -)"
}
