# Part of ./chat (sourced): what the stack needs on this machine, a JDK >= 25 and the Debian
# packages of the servers, installed when missing.

java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1; }

find_jdk() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 25 )); then
        return
    fi
    local best="" best_version=0 dir v
    for dir in /usr/lib/jvm/*/; do
        dir="${dir%/}"
        [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
        v="$(java_major "$dir/bin/java")"
        if [[ -n "$v" ]] && (( v > best_version )); then best="$dir"; best_version="$v"; fi
    done
    (( best_version >= 25 )) || die "no JDK 25 or newer found (JAVA_HOME is unset or older, and none under /usr/lib/jvm).
       Install a JDK 25 (Temurin 25 is under /usr/lib/jvm on the project machines), or set JAVA_HOME to one."
    export JAVA_HOME="$best"
}

PG_BIN=""
find_pg_bin() { PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"; }

ensure_packages() {
    local want=() need_browser="${1:-}"
    find_pg_bin
    [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" ]] || want+=(postgresql)
    [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || want+=(rabbitmq-server)
    command -v memcached >/dev/null || want+=(memcached)
    command -v nginx >/dev/null || want+=(nginx)
    command -v turnserver >/dev/null || want+=(coturn)
    command -v mvn >/dev/null || want+=(maven)
    command -v openssl >/dev/null || want+=(openssl)
    command -v curl >/dev/null || want+=(curl)
    if [[ -n "$need_browser" && ! -x /usr/bin/chromium ]]; then want+=(chromium); fi
    # the integration tests run the web client's cursor rule (web/js/cursor.js) under node
    if [[ -n "$need_browser" ]] && ! command -v node >/dev/null; then want+=(nodejs); fi
    (( ${#want[@]} == 0 )) && return
    say "installing Debian packages: ${want[*]}"
    if [[ $EUID -ne 0 ]]; then
        die "these packages are missing and installing them needs root: sudo apt-get install -y ${want[*]}"
    fi
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}"; } >"$ROOT/var/apt.log" 2>&1; then
        tail -n 20 "$ROOT/var/apt.log" >&2
        die "could not install ${want[*]} (see var/apt.log)"
    fi
    find_pg_bin
}

# Screenshots of the e2e suite show emoji (reactions) only with a colour emoji font. The tests pass
# without it, so a failed install is a warning, never a stop.
ensure_emoji_font() {
    [[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || $EUID -ne 0 ]] && return
    say "installing Debian package: fonts-noto-color-emoji (emoji in screenshots)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >"$ROOT/var/apt-fonts.log" 2>&1 \
        || warn "could not install fonts-noto-color-emoji (see var/apt-fonts.log): emoji show as boxes in screenshots"
}
