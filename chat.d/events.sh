# Part of ./chat (sourced): ./chat events, a consumer of the event log (the RabbitMQ stream
# chat.events.log; docs/EVENTS.md): one JSON line per event, from where it is told.

# cmd_events [--stack up|test] [--vhost V] [--from first|last|OFFSET|INSTANT] [--conversation ID] [--idle SECONDS]
cmd_events() {
    local stack=up vhost=/ args=()
    while (( $# > 0 )); do
        case "$1" in
            --stack|--vhost|--from|--conversation|--idle) (( $# >= 2 )) || die "$1 needs a value" ;;
            *) die "unknown option $1 (./chat events [--stack up|test] [--vhost V] [--from first|last|OFFSET|INSTANT] [--conversation ID] [--idle SECONDS])" ;;
        esac
        case "$1" in
            --stack) stack="$2" ;;
            --vhost) vhost="$2" ;;
            *) args+=("$1" "$2") ;;
        esac
        shift 2
    done
    [[ "$stack" == up || "$stack" == test ]] || die "--stack is up or test, not $stack"
    configure "$stack"
    find_jdk
    local jar="$ROOT/bench/target/chat-bench.jar"
    [[ -f "$jar" ]] || die "no $jar: build first (./chat up builds it, or mvn install -DskipTests)"
    exec "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Devents.amqp.host=127.0.0.1 -Devents.amqp.port="$AMQP_PORT" -Devents.amqp.user="$AMQP_USER" \
        -Devents.amqp.password="$AMQP_PASSWORD" -Devents.amqp.vhost="$vhost" \
        -cp "$jar" dev.chat.bench.Events "${args[@]}"
}
