# Part of ./chat (sourced): how many api instances and ws-nodes a stack runs, and adding or removing
# one while it runs. CHAT_API_INSTANCES=M and CHAT_WS_NODES=N at start (1 and 2 by default);
# `./chat add ws|api` and `./chat remove ws-K|api-K` on a running stack. nginx's upstreams are
# rendered from the processes that run and are not being removed, and nginx is reloaded, which
# keeps every connection it already has (old workers finish theirs).

# ws_port K, api_port K, api_internal_port K: where process ws-K / api-K listens (the first ones on
# the stack's own ports, the others from the stack's MORE_PORTS up).
ws_port() { case "$1" in 1) echo "$WS1_PORT" ;; 2) echo "$WS2_PORT" ;; *) echo $((MORE_PORTS + $1)) ;; esac; }
api_port() { [[ "$1" == 1 ]] && echo "$API_PORT" || echo $((MORE_PORTS + 40 + $1)); }
api_internal_port() { [[ "$1" == 1 ]] && echo "$API_INTERNAL_PORT" || echo $((MORE_PORTS + 80 + $1)); }

# members ws|api: the indexes of the running processes of that kind, not being removed, in order.
members() {
    local f k
    for f in "$RUN/$1"-*.pid; do
        [[ -e "$f" ]] || continue
        k="$(basename "$f" .pid)"; k="${k#"$1"-}"
        [[ "$k" =~ ^[0-9]+$ ]] || continue
        [[ -e "$RUN/$1-$k.draining" ]] && continue
        alive "$1-$k" && echo "$k"
    done | sort -n
}

# upstream_servers ws|api: nginx's `server` lines for the members of that kind.
upstream_servers() {
    local k out=""
    for k in $(members "$1"); do
        if [[ "$1" == ws ]]; then out+="server 127.0.0.1:$(ws_port "$k"); "; else out+="server 127.0.0.1:$(api_port "$k"); "; fi
    done
    echo "$out"
}

# api_urls: every running api instance's internal listener, comma-separated: where a new ws-node
# starts from (it then follows the api instances' announcements on the broker, docs/ARCHITECTURE.md).
api_urls() {
    local k out=()
    for k in $(members api); do out+=("http://127.0.0.1:$(api_internal_port "$k")"); done
    (IFS=,; echo "${out[*]}")
}

reload_nginx() {
    alive nginx || return 0
    render_nginx_conf
    nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/nginx/logs/error.log" -s reload >>"$LOG/nginx.log" 2>&1 \
        || die "nginx did not reload (log: var/$STACK/log/nginx.log)"
}

# ./chat add ws|api [up|test]: one more ws-node or api instance, started, waited for, and then put
# in nginx's upstream.
cmd_add() {
    local kind="${1:-}"; configure "${2:-up}"
    [[ "$kind" == ws || "$kind" == api ]] || die "usage: ./chat add ws|api [up|test]"
    [[ -d "$RUN" ]] && alive nginx || die "the $STACK stack is not running"
    # every broker the running stack has (recorded at its start), whatever this shell says
    [[ -s "$VAR/brokers" ]] && unset CHAT_BROKERS
    find_jdk
    local k=1 f n
    for f in "$RUN/$kind"-*.pid; do
        [[ -e "$f" ]] || continue
        n="$(basename "$f" .pid)"; n="${n#"$kind"-}"
        [[ "$n" =~ ^[0-9]+$ ]] && (( n >= k )) && k=$((n + 1))
    done
    if [[ "$kind" == ws ]]; then
        start_ws "$k"; wait_for "ws-$k" 60 http_ready "$(ws_port "$k")"
    else
        start_api "$k"; wait_for "api-$k" 90 http_ready "$(api_port "$k")"
    fi
    reload_nginx
    say "$kind-$k is up and in nginx's upstream"
}

# ./chat remove ws-K|api-K [up|test]: out of nginx's upstream first (nginx reloaded: no new
# connection or request goes to it), then stopped. A ws-node closes its sockets with 1001 as it
# stops, and its clients reconnect through nginx to the others and catch up; an api instance gets
# CHAT_DRAIN_SECONDS (2) for the requests nginx's old workers still have with it, then tells the
# ws-nodes it is leaving (they hand frames to the others, which they know from their announcements)
# and serves a second more for the hand-offs on their way.
cmd_remove() {
    local name="${1:-}"; configure "${2:-up}"
    [[ "$name" =~ ^(ws|api)-[0-9]+$ ]] || die "usage: ./chat remove ws-K|api-K [up|test]"
    alive "$name" || die "$name is not running in the $STACK stack"
    local kind="${name%-*}"
    [[ "$(members "$kind" | wc -l)" -gt 1 ]] || die "$name is the last $kind: add another first"
    touch "$RUN/$name.draining"
    reload_nginx
    [[ "$kind" == api ]] && sleep "${CHAT_DRAIN_SECONDS:-2}"
    stop_pid "$name"
    rm -f "$RUN/$name.draining"
    say "$name removed"
}
