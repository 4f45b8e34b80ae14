package dev.chat.api.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The address a request came from. Behind nginx (a loopback peer) that is the last entry of
 * {@code X-Forwarded-For}, the one nginx appended: entries before it were written by the client
 * and prove nothing. A peer that is not loopback is taken as it is.
 */
public final class ClientAddress {
    private ClientAddress() {
    }

    public static String of(ServerRequest req) {
        String peer = req.remotePeer().host();
        boolean loopback = req.remotePeer().address() instanceof InetSocketAddress a
                && a.getAddress() != null && a.getAddress().isLoopbackAddress();
        if (loopback) {
            List<String> forwarded = req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of);
            if (!forwarded.isEmpty()) {
                String last = forwarded.getLast();
                String hop = last.substring(last.lastIndexOf(',') + 1).strip();
                if (!hop.isEmpty() && hop.length() <= 64) {
                    return hop;
                }
            }
        }
        return peer == null ? InetAddress.getLoopbackAddress().getHostAddress() : peer;
    }
}
