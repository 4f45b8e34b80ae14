package dev.chat.api.push;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The payload encryption against RFC 8291's worked example (Appendix A), byte for byte. */
class Aes128GcmTest {
    private static byte[] b64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    private static final String PLAINTEXT = "When I grow up, I want to be a watermelon";
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    @Test
    void theRfcExampleEncryptsToTheRfcMessage() {
        BigInteger d = new BigInteger(1, b64(AS_PRIVATE));
        ECPublicKey asPublic = P256.publicOf(d);
        // d × G computed here is the example's public key: the scalar multiplication is right
        assertEquals(AS_PUBLIC, Base64.getUrlEncoder().withoutPadding().encodeToString(P256.raw(asPublic)));
        KeyPair sender = new KeyPair(asPublic, P256.privateKey(d));
        byte[] out = Aes128Gcm.encrypt(PLAINTEXT.getBytes(StandardCharsets.UTF_8), b64(UA_PUBLIC), b64(AUTH), sender, b64(SALT));
        assertArrayEquals(b64(MESSAGE), out);
    }

    @Test
    void aKeyOffTheCurveIsRefused() {
        byte[] bad = b64(UA_PUBLIC);
        bad[64] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> P256.publicKey(bad));
        assertThrows(IllegalArgumentException.class, () -> P256.publicKey(new byte[33]));
    }
}
