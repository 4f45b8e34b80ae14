# Builds api and ws-node from source, then one small runtime image per service:
#   docker build -f docker/app.Dockerfile --target api .
#   docker build -f docker/app.Dockerfile --target ws-node .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q install -DskipTests -pl api,ws-node -am

FROM eclipse-temurin:25-jre AS api
WORKDIR /app
COPY --from=build /src/api/target/chat-api.jar ./
COPY --from=build /src/api/target/libs ./libs
COPY config/jvm/server.options ./
# every other setting is api's default (api/src/main/resources/dev/chat/api/application.yaml)
ENV CHAT_HTTP_HOST=0.0.0.0
EXPOSE 8080
ENTRYPOINT ["java", "@server.options", "-jar", "chat-api.jar"]

FROM eclipse-temurin:25-jre AS ws-node
WORKDIR /app
COPY --from=build /src/ws-node/target/chat-ws-node.jar ./
COPY --from=build /src/ws-node/target/libs ./libs
COPY config/jvm/server.options ./
# every other setting is the node's default (ws-node/src/main/resources/dev/chat/ws/application.yaml)
ENV CHAT_WS_HOST=0.0.0.0
EXPOSE 8081
ENTRYPOINT ["java", "@server.options", "-jar", "chat-ws-node.jar"]
