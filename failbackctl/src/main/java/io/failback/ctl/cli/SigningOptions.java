package io.failback.ctl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.schemas.signing.OperatorKey;
import picocli.CommandLine.Option;

/**
 * Who signs what failbackctl sends: the operator id and the private key file ({@code failbackctl keygen} writes
 * one), from options or the environment. Without a key nothing is signed, which only an orchestrator in its
 * unsigned local mode takes. The key itself is never printed, and errors name the file, not its content.
 */
public final class SigningOptions {

    public static final String ENV_OPERATOR = "FAILBACK_OPERATOR";
    public static final String ENV_KEY = "FAILBACK_OPERATOR_KEY";

    @Option(names = "--operator", paramLabel = "ID", description = "The operator who signs, as the roster names them (default: $"
            + ENV_OPERATOR + ").")
    String operator;

    @Option(names = "--key-file", paramLabel = "FILE", description = "The operator's private key, as 'failbackctl keygen' wrote it"
            + " (default: $" + ENV_KEY + "; none: the record goes unsigned).")
    Path keyFile;

    /** The signing key, or null when neither option nor environment names one. */
    OperatorKey key(Console console) {
        Path file = keyFile != null ? keyFile : blankToNull(console.env().get(ENV_KEY)) == null ? null : Path.of(console.env().get(ENV_KEY));
        String id = operator != null ? operator : blankToNull(console.env().get(ENV_OPERATOR));
        if (file == null) {
            if (operator != null) {
                throw new CtlException(ExitCode.BAD_ARGUMENTS, "--operator needs a key to sign with: --key-file FILE or $" + ENV_KEY);
            }
            return null;
        }
        if (id == null) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "a key file needs its operator: --operator ID or $" + ENV_OPERATOR);
        }
        if (!Files.isReadable(file)) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "key file " + file + " can't be read");
        }
        try {
            return OperatorKey.read(id, file);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "key file " + file + " holds no Ed25519 private key failbackctl keygen wrote"
                    + " (or the operator id is not 1 to 128 of A-Z a-z 0-9 . _ : -)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
