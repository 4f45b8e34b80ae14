package dev.chat.api.push;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push message's payload encrypted for one subscription: RFC 8291 (the keys, from ECDH between a
 * fresh sender key and the browser's {@code p256dh} key, and the browser's {@code auth} secret) in
 * the {@code aes128gcm} content coding of RFC 8188, as one record. Everything comes from the JDK:
 * ECDH ({@code KeyAgreement}), HKDF ({@code javax.crypto.KDF}), AES-GCM. Thread-safe.
 */
final class Aes128Gcm {
    /** The record size announced in the header; one record holds the whole payload. */
    static final int RECORD_SIZE = 4096;
    /** The most plaintext one record holds: the record size less the tag (16) and the delimiter (1). */
    static final int MAX_PLAINTEXT = RECORD_SIZE - 17;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aes128Gcm() {
    }

    /** {@code plaintext} encrypted for the browser whose keys are {@code uaPublic} (65 bytes) and {@code auth} (16 bytes). */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] auth) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return encrypt(plaintext, uaPublic, auth, P256.generate(), salt);
    }

    /** As above with the sender's key pair and the salt given: RFC 8291's appendix is checked through this. */
    static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] auth, KeyPair sender, byte[] salt) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a push payload holds at most " + MAX_PLAINTEXT + " bytes");
        }
        byte[] asPublic = P256.raw((ECPublicKey) sender.getPublic());
        byte[] ecdh = P256.ecdh((ECPrivateKey) sender.getPrivate(), P256.publicKey(uaPublic));
        // RFC 8291 §3.4: the input keying material mixes the ECDH secret with the auth secret
        byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
        byte[] ikm = hkdf(auth, ecdh, keyInfo, 32);
        // RFC 8188 §2.2: the content key and nonce
        byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
            byte[] sealed = gcm.doFinal(concat(plaintext, new byte[] {2})); // 0x02: the last record, no padding
            ByteBuffer out = ByteBuffer.allocate(16 + 4 + 1 + asPublic.length + sealed.length);
            out.put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic).put(sealed);
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** HKDF-SHA256: extract with {@code salt}, expand to {@code length} bytes with {@code info}. */
    static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
        try {
            return KDF.getInstance("HKDF-SHA256")
                    .deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF failed", e);
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
