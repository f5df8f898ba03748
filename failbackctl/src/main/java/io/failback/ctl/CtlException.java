package io.failback.ctl;

/** A failure the operator is told about in one plain sentence, with the exit code a script acts on. */
public final class CtlException extends RuntimeException {

    private final int exitCode;

    public CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
