package dev.chat.api;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The smallest TURN client that can prove credentials against a real server: an Allocate request
 * over UDP (RFC 5766 section 6) with the long-term credential mechanism of STUN (RFC 5389 sections
 * 10.2 and 15.4): first unauthenticated, to learn the realm and nonce from the 401, then again with
 * USERNAME, REALM, NONCE and MESSAGE-INTEGRITY (HMAC-SHA1 keyed by MD5(username:realm:password)).
 */
final class StunClient {
    static final int ALLOCATE = 0x0003;
    static final int ALLOCATE_SUCCESS = 0x0103;
    static final int ALLOCATE_ERROR = 0x0113;
    private static final int COOKIE = 0x2112A442;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int ERROR_CODE = 0x0009;
    private static final int REALM = 0x0014;
    private static final int NONCE = 0x0015;
    private static final int XOR_RELAYED_ADDRESS = 0x0016;
    private static final int REQUESTED_TRANSPORT = 0x0019;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the server answered: the message type, the error code (0 on success) and the relayed address, if any. */
    record Answer(int type, int errorCode, InetSocketAddress relayed, Map<Integer, byte[]> attributes) {
        boolean allocated() {
            return type == ALLOCATE_SUCCESS && relayed != null;
        }
    }

    private StunClient() {
    }

    /** Allocates a relay on {@code server} with these credentials; the server's final answer. */
    static Answer allocate(InetSocketAddress server, String username, String password) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(2_000);
            Answer challenge = exchange(socket, server, request(Map.of(), null));
            if (challenge.errorCode() != 401) {
                throw new IllegalStateException("an unauthenticated Allocate must get 401, got " + challenge);
            }
            String realm = new String(challenge.attributes().get(REALM), StandardCharsets.UTF_8);
            byte[] nonce = challenge.attributes().get(NONCE);
            Map<Integer, byte[]> auth = new java.util.LinkedHashMap<>();
            auth.put(USERNAME, username.getBytes(StandardCharsets.UTF_8));
            auth.put(REALM, realm.getBytes(StandardCharsets.UTF_8));
            auth.put(NONCE, nonce);
            byte[] key = md5(username + ":" + realm + ":" + password);
            return exchange(socket, server, request(auth, key));
        }
    }

    /** Sends {@code message} (again after a lost datagram, up to 3 times) and reads the answer. */
    private static Answer exchange(DatagramSocket socket, InetSocketAddress server, byte[] message) throws IOException {
        byte[] buffer = new byte[2048];
        for (int attempt = 1; ; attempt++) {
            socket.send(new DatagramPacket(message, message.length, server));
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(in);
                return parse(Arrays.copyOf(in.getData(), in.getLength()), Arrays.copyOfRange(message, 8, 20));
            } catch (SocketTimeoutException e) {
                if (attempt == 3) {
                    throw new IOException("no answer from the TURN server at " + server, e);
                }
            }
        }
    }

    /** An Allocate request for a UDP relay with these attributes, and MESSAGE-INTEGRITY when a key is given. */
    private static byte[] request(Map<Integer, byte[]> attributes, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        attributes.forEach((type, value) -> attribute(body, type, value));
        attribute(body, REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}); // UDP
        byte[] transaction = new byte[12];
        RANDOM.nextBytes(transaction);
        byte[] attrs = body.toByteArray();
        int length = attrs.length + (key == null ? 0 : 24);
        ByteBuffer m = ByteBuffer.allocate(20 + length);
        m.putShort((short) ALLOCATE).putShort((short) length).putInt(COOKIE).put(transaction).put(attrs);
        if (key != null) {
            byte[] signed = Arrays.copyOf(m.array(), 20 + attrs.length); // the header's length already counts the integrity
            m.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(hmacSha1(key, signed));
        }
        return m.array();
    }

    private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type >> 8);
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
        for (int pad = value.length; pad % 4 != 0; pad++) {
            out.write(0);
        }
    }

    private static Answer parse(byte[] m, byte[] transaction) {
        ByteBuffer b = ByteBuffer.wrap(m);
        int type = b.getShort() & 0xFFFF;
        int length = b.getShort() & 0xFFFF;
        if (b.getInt() != COOKIE || !Arrays.equals(Arrays.copyOfRange(m, 8, 20), transaction) || length + 20 != m.length) {
            throw new IllegalStateException("not the answer to this request");
        }
        b.position(20);
        Map<Integer, byte[]> attributes = new HashMap<>();
        while (b.remaining() >= 4) {
            int t = b.getShort() & 0xFFFF;
            byte[] v = new byte[b.getShort() & 0xFFFF];
            b.get(v);
            b.position(b.position() + (4 - v.length % 4) % 4);
            attributes.putIfAbsent(t, v);
        }
        byte[] error = attributes.get(ERROR_CODE);
        int code = error == null ? 0 : (error[2] & 0x07) * 100 + (error[3] & 0xFF);
        return new Answer(type, code, relayed(attributes.get(XOR_RELAYED_ADDRESS)), attributes);
    }

    private static InetSocketAddress relayed(byte[] v) {
        if (v == null || v[1] != 0x01) {
            return null;
        }
        int port = ((v[2] & 0xFF) << 8 | (v[3] & 0xFF)) ^ (COOKIE >>> 16);
        int address = ByteBuffer.wrap(v, 4, 4).getInt() ^ COOKIE;
        String ip = (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
        return new InetSocketAddress(ip, port);
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
