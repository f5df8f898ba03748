package io.failback.sandbox.arm;

import java.time.Instant;

/**
 * One request the emulator answered: when, what, on which resource (an ARM id, or the path when the
 * request named none) and with which HTTP status.
 */
public record LoggedCall(Instant at, String method, String path, OperationKind kind, String resourceId, int status) {

    /** An accepted call that asked for a change: the calls a repeated command must not make again. */
    public boolean isMutation() {
        return kind.mutating() && status >= 200 && status < 300;
    }
}
