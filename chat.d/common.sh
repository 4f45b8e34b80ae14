# Part of ./chat (sourced): small helpers every other part uses.

say()  { printf '\033[1m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

pid_of()  { [[ -s "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }
alive()   { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for NAME SECONDS COMMAND...: polls until COMMAND succeeds; names the log when it does not.
wait_for() {
    local name="$1" seconds="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if (( SECONDS >= deadline )); then
            warn "$name did not become ready within ${seconds}s; last lines of its log:"
            tail -n 30 "$LOG/$name.log" 2>/dev/null >&2 || true
            die "$name is not ready (log: var/$STACK/log/$name.log)"
        fi
        sleep 0.3
    done
}

# secret NAME: a random value generated once per stack and kept, so restarts keep sessions valid.
secret() {
    mkdir -p "$SECRETS"; chmod 700 "$SECRETS"
    if [[ ! -s "$SECRETS/$1" ]]; then
        openssl rand -hex 32 > "$SECRETS/$1"
        chmod 600 "$SECRETS/$1"
    fi
    cat "$SECRETS/$1"
}

# render TEMPLATE KEY=VALUE...: TEMPLATE with every @KEY@ replaced by its VALUE, on stdout.
render() {
    local template="$1" pair expressions=(); shift
    for pair in "$@"; do expressions+=(-e "s#@${pair%%=*}@#${pair#*=}#g"); done
    sed "${expressions[@]}" "$template"
}
