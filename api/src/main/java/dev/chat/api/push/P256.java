package dev.chat.api.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The P-256 curve as Web Push uses it: keys in their raw forms (a public key is the 65-byte
 * uncompressed point {@code 04 || x || y}, a private key the 32-byte scalar), ECDH, and the one
 * operation the JDK does not offer, a scalar times the generator, which turns the stack's kept
 * private VAPID scalar into its public key. Stateless and thread-safe.
 */
final class P256 {
    static final ECParameterSpec SPEC = spec();
    private static final BigInteger P = ((ECFieldFp) SPEC.getCurve().getField()).getP();
    private static final BigInteger A = SPEC.getCurve().getA();
    private static final BigInteger B = SPEC.getCurve().getB();
    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger THREE = BigInteger.valueOf(3);

    private P256() {
    }

    private static ECParameterSpec spec() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp256r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256", e);
        }
    }

    /** A fresh key pair (the sender's ephemeral key of each push). */
    static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(SPEC);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key of scalar {@code d}, which must lie in [1, n-1]. */
    static ECPrivateKey privateKey(BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(SPEC.getOrder()) >= 0) {
            throw new IllegalArgumentException("a P-256 private key must lie in [1, n-1]");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, SPEC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key of the raw uncompressed point; refuses anything that is not a point of the curve. */
    static ECPublicKey publicKey(byte[] raw) {
        if (raw.length != 65 || raw[0] != 4) {
            throw new IllegalArgumentException("a P-256 public key is 65 bytes starting with 0x04");
        }
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(raw, 1, 33)), new BigInteger(1, Arrays.copyOfRange(raw, 33, 65)));
        if (!onCurve(w)) {
            throw new IllegalArgumentException("not a point of P-256");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, SPEC));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 public key", e);
        }
    }

    /** The raw uncompressed form of a public key: {@code 04 || x || y}, 65 bytes. */
    static byte[] raw(ECPublicKey key) {
        return raw(key.getW());
    }

    static byte[] raw(ECPoint w) {
        byte[] out = new byte[65];
        out[0] = 4;
        fixed(w.getAffineX(), out, 1);
        fixed(w.getAffineY(), out, 33);
        return out;
    }

    /** The public key of private scalar {@code d}: d × G. */
    static ECPublicKey publicOf(BigInteger d) {
        return publicKey(raw(multiply(d, SPEC.getGenerator())));
    }

    /** ECDH: the x coordinate of the shared point, 32 bytes. */
    static byte[] ecdh(ECPrivateKey mine, ECPublicKey theirs) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(mine);
            ka.doPhase(theirs, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean onCurve(ECPoint w) {
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        return y.multiply(y).mod(P).equals(x.pow(3).add(A.multiply(x)).add(B).mod(P));
    }

    /** k × point by double-and-add in affine coordinates: slow and not constant-time, so only for the kept key at start. */
    static ECPoint multiply(BigInteger k, ECPoint point) {
        ECPoint result = ECPoint.POINT_INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            result = add(result, result);
            if (k.testBit(i)) {
                result = add(result, point);
            }
        }
        return result;
    }

    private static ECPoint add(ECPoint p, ECPoint q) {
        if (p.equals(ECPoint.POINT_INFINITY)) {
            return q;
        }
        if (q.equals(ECPoint.POINT_INFINITY)) {
            return p;
        }
        BigInteger lambda;
        if (p.getAffineX().equals(q.getAffineX())) {
            if (!p.getAffineY().equals(q.getAffineY()) || p.getAffineY().signum() == 0) {
                return ECPoint.POINT_INFINITY;
            }
            BigInteger x = p.getAffineX();
            lambda = THREE.multiply(x).multiply(x).add(A).multiply(TWO.multiply(p.getAffineY()).modInverse(P)).mod(P);
        } else {
            lambda = q.getAffineY().subtract(p.getAffineY())
                    .multiply(q.getAffineX().subtract(p.getAffineX()).modInverse(P)).mod(P);
        }
        BigInteger x3 = lambda.multiply(lambda).subtract(p.getAffineX()).subtract(q.getAffineX()).mod(P);
        BigInteger y3 = lambda.multiply(p.getAffineX().subtract(x3)).subtract(p.getAffineY()).mod(P);
        return new ECPoint(x3, y3);
    }

    private static void fixed(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }
}
