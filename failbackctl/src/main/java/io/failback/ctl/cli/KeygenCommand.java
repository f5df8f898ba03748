package io.failback.ctl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.schemas.signing.Roster;
import io.failback.schemas.signing.Signatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keygen}: a new Ed25519 key pair for an operator. The private key goes to a file only its owner can read
 * (PKCS#8 PEM, mode 600); what is printed is the public half, as the roster lines to add, never the private key.
 */
@Command(name = "keygen", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Write a new signing key for an operator (mode 600) and print the roster lines with its public key.")
public final class KeygenCommand implements Callable<Integer> {

    private final Console console;

    @Option(names = "--operator", required = true, paramLabel = "ID", description = "The operator id the roster will know.")
    String operator;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the private key file.")
    Path out;

    @Option(names = "--roles", paramLabel = "ROLES", defaultValue = "requester",
            description = "The roles to print on the operator's roster line: requester, approver, viewer, comma-separated."
                    + " Default: ${DEFAULT-VALUE}.")
    String roles;

    public KeygenCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws IOException {
        if (!Signatures.ID.matcher(operator).matches()) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "--operator must be 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        KeyPair pair = Signatures.generate();
        String keyId = operator + "-" + fingerprint(pair);
        String lines = Roster.linesFor(operator, keyId, pair.getPublic(), roles);
        try {
            java.util.Properties read = new java.util.Properties();
            read.load(new java.io.StringReader(lines));
            Roster.parse(read); // the lines as the orchestrator will read them: a bad role is refused before any file
        } catch (IllegalArgumentException e) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "--roles: " + e.getMessage());
        }
        Files.createDirectories(out);
        Path file = out.resolve(keyId + ".key");
        try {
            // created with its mode, so the key is never readable by others, not even for a moment
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, file + " exists: a key is never overwritten");
        }
        Files.writeString(file, Signatures.pem(pair.getPrivate()), StandardCharsets.US_ASCII);
        console.err().println("wrote the private key of " + operator + " to " + file + " (mode 600: keep it to " + operator + ")");
        console.err().println("add these lines to the orchestrator's roster (failback.orchestrator.signing.roster-file):");
        console.out().print(lines);
        console.err().println("then sign with: export " + SigningOptions.ENV_OPERATOR + "=" + operator + " "
                + SigningOptions.ENV_KEY + "=" + file);
        return ExitCode.OK;
    }

    private static String fingerprint(KeyPair pair) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
