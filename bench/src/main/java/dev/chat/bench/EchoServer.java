package dev.chat.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ServerFrames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.util.UUID;

/**
 * The connection path's baseline: a bare WebSocket echo on the same Helidon version as the
 * ws-nodes, started by {@code ./chat bench echo} behind the same nginx (at /bench/echo). It greets
 * like a ws-node (a welcome frame, written by the protocol's codec) so the same load clients can
 * use it, then sends every text frame back unchanged. No authentication, no broker, no JSON parsing.
 */
final class EchoServer {
    private static final String WELCOME = new ServerFrames(new ObjectMapper())
            .encode(new ServerFrame.Welcome("echo", new UUID(0, 0), 25, new UUID(0, 0), "echo"));

    private EchoServer() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .addRouting(WsRouting.builder().endpoint("/bench/echo", () -> new WsListener() {
                    @Override
                    public void onOpen(WsSession session) {
                        session.send(WELCOME, true);
                    }

                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        session.send(text, last);
                    }
                }))
                .build()
                .start();
        System.out.println("echo listening on ws://127.0.0.1:" + server.port() + "/bench/echo");
    }
}
