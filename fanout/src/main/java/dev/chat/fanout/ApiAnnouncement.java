package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * What an api instance says on {@link Topology#APIS_EXCHANGE}: where ws-nodes hand it frames (its
 * internal listener) and whether it is up or leaving. The body is
 * {@code {"address":"http://127.0.0.1:8090","state":"up"}} ({@code "leaving"} once, as it starts to
 * drain). docs/ARCHITECTURE.md, "api instances come and go".
 *
 * @param address the internal listener's base address, http or https
 * @param up      false: the instance is leaving and takes no new hand-offs
 */
public record ApiAnnouncement(URI address, boolean up) {
    /** How often an api instance says it is up. */
    public static final Duration PERIOD = Duration.ofSeconds(2);
    /** A ws-node forgets an address not heard from for this long: three announcements missed. */
    public static final Duration EXPIRY = PERIOD.multipliedBy(3);

    private static final ObjectMapper MAPPER = Mappers.create();

    public ApiAnnouncement {
        Objects.requireNonNull(address, "address");
        if (!("http".equals(address.getScheme()) || "https".equals(address.getScheme())) || address.getHost() == null) {
            throw new IllegalArgumentException("an api address is http(s)://host:port, not " + address);
        }
    }

    public byte[] encode() {
        return MAPPER.createObjectNode().put("address", address.toString()).put("state", up ? "up" : "leaving")
                .toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads an announcement; {@link MalformedEnvelopeException} when it is not one. */
    public static ApiAnnouncement decode(byte[] body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            String state = n == null ? "" : n.path("state").asText();
            if (!state.equals("up") && !state.equals("leaving")) {
                throw new MalformedEnvelopeException("an api announcement's state is up or leaving, not \"" + state + "\"");
            }
            return new ApiAnnouncement(URI.create(n.path("address").asText()), state.equals("up"));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedEnvelopeException("unreadable api announcement: " + e.getMessage(), e);
        }
    }
}
