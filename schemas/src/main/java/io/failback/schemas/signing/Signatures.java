package io.failback.schemas.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Headers;

/**
 * How an operator signs a request or control command and how the orchestrator reads the signature: Ed25519
 * (the JDK's) over a canonical byte string of a context label, the topic, the record key, the value's encoded
 * bytes exactly as written, the operator id, the key id and the signing time, carried in four headers so the
 * value's schema doesn't change. failbackctl, the dashboard and the orchestrator all go through here.
 */
public final class Signatures {

    public static final String OPERATOR = "failback-operator";
    public static final String KEY_ID = "failback-key-id";
    public static final String SIGNED_AT = "failback-signed-at";
    public static final String SIGNATURE = "failback-signature";
    static final String[] HEADERS = {OPERATOR, KEY_ID, SIGNED_AT, SIGNATURE};

    /** Operator and key ids: the same safe alphabet as job ids, so they may go into status, audit and logs as they are. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Longest header value read: an Ed25519 signature is 64 bytes, 88 in base64; ids are at most 128. */
    static final int MAX_HEADER_BYTES = 128;
    /** Versions the canonical form: a signature for anything else can never verify as a failback record. */
    private static final byte[] CONTEXT = "failback-signed-record-v1".getBytes(StandardCharsets.US_ASCII);
    private static final String ALGORITHM = "Ed25519";

    private Signatures() {
    }

    /** A fresh Ed25519 key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has Ed25519 since 15", e);
        }
    }

    /** The bytes signed: each part length-prefixed, so no two different records share a canonical form. */
    public static byte[] canonical(String topic, String key, byte[] value, String operator, String keyId, long signedAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part(out, CONTEXT);
        part(out, topic.getBytes(StandardCharsets.UTF_8));
        part(out, key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8));
        part(out, value == null ? new byte[0] : value);
        part(out, operator.getBytes(StandardCharsets.UTF_8));
        part(out, keyId.getBytes(StandardCharsets.UTF_8));
        part(out, ByteBuffer.allocate(Long.BYTES).putLong(signedAt).array());
        return out.toByteArray();
    }

    /** Signs the record and adds the four headers to {@code headers} (any earlier ones of those names removed). */
    public static void sign(Headers headers, OperatorKey key, String topic, String recordKey, byte[] value, long signedAt) {
        byte[] signature;
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key.privateKey());
            s.update(canonical(topic, recordKey, value, key.operator(), key.keyId(), signedAt));
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + key.keyId() + " failed: " + e.getMessage(), e);
        }
        for (String h : HEADERS) {
            headers.remove(h);
        }
        headers.add(OPERATOR, ascii(key.operator()));
        headers.add(KEY_ID, ascii(key.keyId()));
        headers.add(SIGNED_AT, ascii(Long.toString(signedAt)));
        headers.add(SIGNATURE, ascii(Base64.getEncoder().encodeToString(signature)));
    }

    /** True when {@code signature} is {@code publicKey}'s over the canonical form. */
    static boolean valid(PublicKey publicKey, byte[] canonical, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(publicKey);
            s.update(canonical);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a key or signature of the wrong shape is as bad as a wrong signature
        }
    }

    /** An Ed25519 public key from its base64 X.509 SubjectPublicKeyInfo, as the roster holds it. */
    public static PublicKey publicKey(String base64) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not base64", e);
        }
    }

    /** The base64 X.509 form of a public key, for a roster line. */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Writes the private key as PKCS#8 PEM. */
    public static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** Reads a PKCS#8 private key written by {@link #pem}; the error never quotes the file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String body = text.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(file + " holds no PKCS#8 Ed25519 private key in PEM");
        }
    }

    private static void part(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
