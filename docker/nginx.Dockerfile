# nginx with the same template ./chat uses, rendered at start; a self-signed certificate is made
# on first start.
FROM nginx:1.22
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
COPY nginx/nginx.conf.template /etc/chat/nginx.conf.template
COPY docker/nginx-entrypoint.sh /usr/local/bin/chat-nginx
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/chat-nginx"]
