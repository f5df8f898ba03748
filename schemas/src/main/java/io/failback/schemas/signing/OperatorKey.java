package io.failback.schemas.signing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;

/**
 * An operator's private signing key with the ids the roster knows it by. Its {@code toString} never shows the
 * key, so it can't reach a log by accident.
 */
public record OperatorKey(String operator, String keyId, PrivateKey privateKey) {

    public OperatorKey {
        if (!Signatures.ID.matcher(operator).matches() || !Signatures.ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("operator and key ids must be 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
    }

    /** The key in {@code file} (PKCS#8 PEM, as {@code failbackctl keygen} writes it), for {@code operator}; its key id is the file's name without {@code .key}. */
    public static OperatorKey read(String operator, Path file) throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString();
        return new OperatorKey(operator, name.endsWith(".key") ? name.substring(0, name.length() - 4) : name, Signatures.readPrivateKey(file));
    }

    @Override
    public String toString() {
        return "OperatorKey[" + operator + "/" + keyId + "]";
    }
}
