#!/bin/sh
# Renders the shared nginx template for containers and starts nginx in the foreground.
set -eu
PREFIX=/var/chat-nginx
mkdir -p "$PREFIX/logs" "$PREFIX/temp" "$PREFIX/tls"
if [ ! -s "$PREFIX/tls/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$PREFIX/tls/key.pem" -out "$PREFIX/tls/cert.pem" 2>/dev/null
fi
api=""; for h in $CHAT_API_UPSTREAMS; do api="$api server $h;"; done
ws="";  for h in $CHAT_WS_UPSTREAMS;  do ws="$ws server $h;"; done
sed -e "s#@PREFIX@#$PREFIX#g" -e "s#@LISTEN@#${CHAT_NGINX_PORT:-8443}#g" \
    -e "s#@API_SERVERS@#$api#" -e "s#@WS_SERVERS@#$ws#" \
    /etc/chat/nginx.conf.template > "$PREFIX/nginx.conf"
exec nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -e "$PREFIX/logs/error.log"
