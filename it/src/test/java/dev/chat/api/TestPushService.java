package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push service played by the test suite (RFC 8030) on loopback: it takes the pushes api posts to
 * {@code /push/<device>}, checks each one's VAPID token (RFC 8292) against the key api serves, and
 * decrypts its payload (RFC 8291, aes128gcm) with the private keys of the device the test made. It
 * answers 201, or what the test scripted for that device (410, 429 with Retry-After ...).
 */
final class TestPushService implements AutoCloseable {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    /** A push as it arrived: its headers, its payload decrypted, and when. */
    record Push(String device, String ttl, String urgency, String topic, JsonNode payload, Instant at, int answered) {
    }

    /** A browser's subscription: the keys it made, and the endpoint that names it. */
    record Device(String name, String endpoint, KeyPair keys, byte[] auth) {
        String p256dh() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw((ECPublicKey) keys.getPublic()));
        }

        String subscription() {
            return "{\"endpoint\":\"" + endpoint + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\"" + p256dh()
                    + "\",\"auth\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(auth) + "\"}}";
        }
    }

    private final HttpServer server;
    private final ECPublicKey vapidKey;
    private final String vapidKeyText;
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();

    /** Starts on a free loopback port; {@code vapidKey} is the base64url key api serves at /api/push/key. */
    TestPushService(String vapidKey) throws Exception {
        this.vapidKeyText = vapidKey;
        this.vapidKey = publicKey(B64.decode(vapidKey));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push/", this::take);
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A new device (a browser's subscription) with fresh keys. */
    Device device(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] auth = new byte[16];
        new SecureRandom().nextBytes(auth);
        Device d = new Device(name, origin() + "/push/" + name, g.generateKeyPair(), auth);
        devices.put(name, d);
        return d;
    }

    /** The next pushes to {@code device} are answered with these statuses (429 comes with Retry-After: 1). */
    void answer(String device, Integer... statuses) {
        scripts.computeIfAbsent(device, k -> new ConcurrentLinkedDeque<>()).addAll(Arrays.asList(statuses));
    }

    /** The next push to arrive, within {@code wait}; a push that failed a check fails the test here. */
    Push next(Duration wait) throws InterruptedException {
        Object o = arrived.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (o instanceof AssertionError e) {
            throw e;
        }
        if (o == null) {
            throw new AssertionError("no push arrived within " + wait);
        }
        return (Push) o;
    }

    /** Pushes that arrived and were not taken yet. */
    int waiting() {
        return arrived.size();
    }

    private void take(HttpExchange x) throws IOException {
        String name = x.getRequestURI().getPath().substring("/push/".length());
        byte[] body = x.getRequestBody().readAllBytes();
        Deque<Integer> script = scripts.get(name);
        Integer scripted = script == null ? null : script.poll();
        int status = scripted == null ? 201 : scripted;
        try {
            Device d = devices.get(name);
            if (d == null) {
                throw new AssertionError("a push to an unknown device " + name);
            }
            checkVapid(x.getRequestHeaders().getFirst("Authorization"));
            if (!"aes128gcm".equals(x.getRequestHeaders().getFirst("Content-Encoding"))) {
                throw new AssertionError("Content-Encoding is not aes128gcm");
            }
            JsonNode payload = TestClient.MAPPER.readTree(decrypt(body, d));
            arrived.add(new Push(name, x.getRequestHeaders().getFirst("TTL"), x.getRequestHeaders().getFirst("Urgency"),
                    x.getRequestHeaders().getFirst("Topic"), payload, Instant.now(), status));
        } catch (AssertionError e) {
            arrived.add(e);
        } catch (Exception e) {
            arrived.add(new AssertionError("a push failed a check: " + e, e));
        }
        if (status == 429) {
            x.getResponseHeaders().set("Retry-After", "1");
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    /** RFC 8292: {@code vapid t=<JWT>, k=<key>}, the key api serves, an ES256 signature by it, aud = this origin, exp within 24 h. */
    private void checkVapid(String header) throws Exception {
        if (header == null || !header.startsWith("vapid t=") || !header.contains(", k=")) {
            throw new AssertionError("no VAPID Authorization header: " + header);
        }
        String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
        String k = header.substring(header.indexOf(", k=") + 4);
        if (!k.equals(vapidKeyText)) {
            throw new AssertionError("the VAPID k= is not the key api serves");
        }
        String[] parts = jwt.split("\\.");
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(vapidKey);
        ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!ecdsa.verify(B64.decode(parts[2]))) {
            throw new AssertionError("the VAPID signature does not verify with the served key");
        }
        JsonNode head = TestClient.MAPPER.readTree(B64.decode(parts[0]));
        JsonNode claims = TestClient.MAPPER.readTree(B64.decode(parts[1]));
        long exp = claims.path("exp").asLong();
        long now = Instant.now().getEpochSecond();
        if (!"ES256".equals(head.path("alg").asText()) || !origin().equals(claims.path("aud").asText())
                || exp <= now || exp > now + 24 * 3600 || !claims.path("sub").asText().startsWith("mailto:")) {
            throw new AssertionError("VAPID claims wrong: " + head + " " + claims);
        }
    }

    /** RFC 8291 as the browser does it: the sender's key from the header, ECDH with the device's key, HKDF, AES-GCM. */
    static byte[] decrypt(byte[] body, Device d) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        int rs = b.getInt();
        byte[] senderKey = new byte[b.get() & 0xff];
        b.get(senderKey);
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        if (rs < 18 || sealed.length > rs) {
            throw new AssertionError("one record expected, rs " + rs);
        }
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init((ECPrivateKey) d.keys().getPrivate());
        ka.doPhase(publicKey(senderKey), true);
        byte[] uaPublic = raw((ECPublicKey) d.keys().getPublic());
        byte[] info = cat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, senderKey);
        byte[] ikm = hkdf(d.auth(), ka.generateSecret(), info, 32);
        byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] plain = gcm.doFinal(sealed);
        int end = plain.length - 1;
        while (end >= 0 && plain[end] == 0) {
            end--; // padding
        }
        if (end < 0 || plain[end] != 2) {
            throw new AssertionError("the last record's delimiter (2) is missing");
        }
        return Arrays.copyOf(plain, end);
    }

    private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int n) throws Exception {
        return KDF.getInstance("HKDF-SHA256").deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, n));
    }

    private static byte[] cat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        Arrays.stream(parts).forEach(b::put);
        return b.array();
    }

    static ECPublicKey publicKey(byte[] raw) throws Exception {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33)), new BigInteger(1, Arrays.copyOfRange(raw, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
    }

    static byte[] raw(ECPublicKey k) {
        byte[] out = new byte[65];
        out[0] = 4;
        byte[] x = k.getW().getAffineX().toByteArray();
        byte[] y = k.getW().getAffineY().toByteArray();
        int xl = Math.min(32, x.length);
        int yl = Math.min(32, y.length);
        System.arraycopy(x, x.length - xl, out, 33 - xl, xl);
        System.arraycopy(y, y.length - yl, out, 65 - yl, yl);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
