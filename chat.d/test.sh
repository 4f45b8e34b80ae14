# Part of ./chat (sourced): ./chat test, every test tier against a fresh stack of its own.

# stack_settings: where the integration and end-to-end tests find this stack, as the -D settings
# Maven passes to them (the one place of them; ChatServers and the e2e classes read them), in the
# array STACK_SETTINGS.
stack_settings() {
    local db_password; db_password="$(secret db_password)"
    STACK_SETTINGS=(
        -Dchat.it.db.url="jdbc:postgresql://127.0.0.1:$PG_PORT/${DB_NAME}_it"
        -Dchat.it.db.user="$DB_USER" -Dchat.it.db.password="$db_password"
        -Dchat.it.db.replica.url="jdbc:postgresql://127.0.0.1:$PG_REPLICA_PORT/${DB_NAME}_it"
        -Dchat.it.db.admin.password="$(secret postgres_password)"
        -Dchat.it.amqp.host=127.0.0.1 -Dchat.it.amqp.port="$AMQP_PORT" -Dchat.it.amqp.cluster="$(broker_cluster)"
        -Dchat.it.amqp.user="$AMQP_USER" -Dchat.it.amqp.password="$AMQP_PASSWORD" -Dchat.it.amqp.vhost=chat_it
        -Dchat.it.memcached="127.0.0.1:$MEMCACHED_IT_PORT" -Dchat.it.chat="$ROOT/chat"
        -Dchat.it.turn="127.0.0.1:$TURN_PORT" -Dchat.it.turn.secret="$(secret turn_secret)"
        -Dchat.e2e.url="$URL" -Dchat.e2e.http.url="http://localhost:$NGINX_HTTP_PORT" -Dchat.e2e.ws.nodes=ws-1,ws-2
        -Dchat.e2e.pids="$RUN" -Dchat.e2e.chat="$ROOT/chat"
    )
}

# only_classes A,B: Maven settings running only those integration/e2e classes (no unit tests), in
# the array ONLY.
only_classes() {
    ONLY=(-Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false "-Dit.test=$1" -Dfailsafe.failIfNoSpecifiedTests=false)
}

# fresh_stack WHAT: stop leftovers of an interrupted run of the test stack, wipe its data, and
# stop it ("stopping WHAT") when this command ends. ./chat bench uses the same stack.
fresh_stack() {
    stop_all >/dev/null 2>&1 || true
    rm -rf "$VAR"
    mkdir -p "$VAR"
    # shellcheck disable=SC2064 # WHAT is fixed now
    trap "say 'stopping $1'; stop_pid echo; stop_all" EXIT
    trap 'exit 130' INT TERM
}

# check_poms: versions live in the parent POM only (dependencyManagement, pluginManagement); a
# module's POM names none but its parent's.
check_poms() {
    local pom found=""
    for pom in "$ROOT"/*/pom.xml; do
        if perl -0777 -pe 's{<parent>.*?</parent>}{}s' "$pom" | grep -q '<version>'; then found+=" ${pom#"$ROOT"/}"; fi
    done
    [[ -z "$found" ]] || die "versions belong in the parent pom.xml (dependencyManagement, pluginManagement), not in:$found"
}

# show_logs_on_failure RC: the last lines of the stack's logs when the tests failed.
show_logs_on_failure() {
    (( $1 != 0 )) || return 0
    warn "tests failed (exit $1); last lines of the stack's logs:"
    local f
    for f in "$LOG"/api-1.log "$LOG"/ws-1.log "$LOG"/ws-2.log; do
        [[ -f "$f" ]] && { echo "--- $f"; tail -n 15 "$f"; } >&2
    done
    # the integration tests run api in their own JVM: its warnings are in the failed class's output
    local report
    for report in $(grep -lE '<(failure|error)' "$ROOT"/{it,e2e}/target/failsafe-reports/TEST-*.xml 2>/dev/null); do
        f="${report%.xml}-output.txt"
        f="${f/TEST-/}"
        [[ -f "$f" ]] && { echo "--- warnings in ${f#"$ROOT"/}"; grep -E 'SEVERE|WARNING|Exception|^\s+at dev\.chat' "$f" | tail -n 40; } >&2
    done
    return 0
}

cmd_test() {
    # ./chat test [ClassName ...]: only those integration/e2e test classes (no unit tests)
    ONLY=()
    if (( $# > 0 )); then only_classes "$(IFS=,; echo "$*")"; fi
    check_poms
    # the test stack's broker is a cluster of three nodes (BrokerLossIT kills one); CHAT_BROKERS=1 for one
    export CHAT_BROKERS="${CHAT_BROKERS:-3}"
    configure test
    fresh_stack "the test stack"
    start_all browser
    stack_settings
    local rc=0
    # The tiers, one step each; a failed step does not stop the next, the exit code is the worst.
    # The web client's unit tests: the model's rules under node's own test runner (node came with the browser)
    say "web client unit tests: node --test api/src/test/web"
    node --test --test-reporter=spec "$ROOT"/api/src/test/web/*.test.mjs || die "web client unit tests failed"
    say "running every test tier: mvn verify (unit, integration, Playwright e2e)"
    mvn -B verify "${STACK_SETTINGS[@]}" "${ONLY[@]}" || rc=$?
    show_logs_on_failure "$rc"
    return "$rc"
}
