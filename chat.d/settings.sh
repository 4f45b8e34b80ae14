# Part of ./chat (sourced): where the servers of each stack listen, the one place of ports and
# credentials. Each can be overridden from the environment (CHAT_NGINX_PORT=9000 ./chat up); the
# test stack has its own set (CHAT_TEST_*). The services' other settings have their defaults in
# each module's application.yaml, and ./chat passes only where this stack's servers are.

# configure up|test: the settings of that stack, and where its files live (var/<stack>/).
configure() {
    STACK="$1"
    if [[ "$STACK" == up ]]; then
        NGINX_PORT="${CHAT_NGINX_PORT:-8443}"
        NGINX_HTTP_PORT="${CHAT_NGINX_HTTP_PORT:-8880}"
        API_PORT="${CHAT_API_PORT:-8080}"
        API_INTERNAL_PORT="${CHAT_API_INTERNAL_PORT:-$((API_PORT + 10))}"
        WS1_PORT="${CHAT_WS1_PORT:-8081}"
        WS2_PORT="${CHAT_WS2_PORT:-8082}"
        PG_PORT="${CHAT_PG_PORT:-5433}"
        PG_REPLICA="${CHAT_PG_REPLICA:-0}"      # 1: a streaming replica too, api reads history from it
        AMQP_PORT="${CHAT_AMQP_PORT:-5673}"
        MEMCACHED_PORT="${CHAT_MEMCACHED_PORT:-11212}"
        EPMD_PORT="${CHAT_EPMD_PORT:-4370}"
        TURN_PORT="${CHAT_TURN_PORT:-3478}"
        TURN_MIN_PORT="${CHAT_TURN_MIN_PORT:-49160}"   # coturn's relay ports (UDP), one pair per call leg
        TURN_MAX_PORT="${CHAT_TURN_MAX_PORT:-49259}"
        MORE_PORTS="${CHAT_MORE_PORTS:-8100}"          # ws-3.. from +3, api-2.. from +42 (internal +82)
    else
        NGINX_PORT="${CHAT_TEST_NGINX_PORT:-9443}"
        NGINX_HTTP_PORT="${CHAT_TEST_NGINX_HTTP_PORT:-9880}"
        API_PORT="${CHAT_TEST_API_PORT:-9080}"
        API_INTERNAL_PORT="${CHAT_TEST_API_INTERNAL_PORT:-$((API_PORT + 10))}"
        WS1_PORT="${CHAT_TEST_WS1_PORT:-9081}"
        WS2_PORT="${CHAT_TEST_WS2_PORT:-9082}"
        PG_PORT="${CHAT_TEST_PG_PORT:-6433}"
        PG_REPLICA="${CHAT_PG_REPLICA:-1}"      # the tests prove the replica's rule (ReplicaIT)
        AMQP_PORT="${CHAT_TEST_AMQP_PORT:-6673}"
        MEMCACHED_PORT="${CHAT_TEST_MEMCACHED_PORT:-12212}"
        EPMD_PORT="${CHAT_TEST_EPMD_PORT:-4371}"
        TURN_PORT="${CHAT_TEST_TURN_PORT:-9478}"
        TURN_MIN_PORT="${CHAT_TEST_TURN_MIN_PORT:-49260}"
        TURN_MAX_PORT="${CHAT_TEST_TURN_MAX_PORT:-49359}"
        MORE_PORTS="${CHAT_TEST_MORE_PORTS:-9100}"
        MEMCACHED_IT_PORT="${CHAT_TEST_MEMCACHED_IT_PORT:-12213}"
        ECHO_PORT="${CHAT_TEST_ECHO_PORT:-9089}"
        # every browser of the e2e suite signs up and logs in from 127.0.0.1, and some tests and
        # benchmarks send thousands of messages as one user: the test stack's limits are wide
        # (the limits themselves are proven by RateLimitIT); `up` keeps the defaults
        export CHAT_LIMITS_LOGIN_ADDRESS="${CHAT_LIMITS_LOGIN_ADDRESS:-100000/1m}"
        export CHAT_LIMITS_SIGNUP_ADDRESS="${CHAT_LIMITS_SIGNUP_ADDRESS:-100000/1m}"
        export CHAT_LIMITS_SENDS_USER="${CHAT_LIMITS_SENDS_USER:-100000/1m}"
        export CHAT_LIMITS_UPLOADS_USER="${CHAT_LIMITS_UPLOADS_USER:-100000/1m}"
        # an unanswered call is missed after 10 s, not 30: CallLifecycleIT waits for one (CallsIT its own)
        export CHAT_CALLS_RING_TIMEOUT_SECONDS="${CHAT_CALLS_RING_TIMEOUT_SECONDS:-10}"
    fi
    PG_REPLICA_PORT=$((PG_PORT + 1))
    DB_NAME="${CHAT_DB_NAME:-chat}"
    DB_USER="${CHAT_DB_USER:-chat}"
    AMQP_USER="${CHAT_AMQP_USER:-guest}"        # RabbitMQ accepts guest over loopback only
    AMQP_PASSWORD="${CHAT_AMQP_PASSWORD:-guest}"
    AMQP_DIST_PORT=$((AMQP_PORT + 20000))
    RABBIT_NODE="rabbit-chat-${STACK}@localhost"

    VAR="$ROOT/var/$STACK"
    RUN="$VAR/run"          # pid files
    LOG="$VAR/log"
    SECRETS="$VAR/secrets"
    URL="https://localhost:${NGINX_PORT}"
}
