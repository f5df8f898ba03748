package io.failback.azure.arm;

import java.time.Duration;

/** An Azure operation that did not reach a terminal state within the agent's operation timeout. */
public final class OperationTimeoutException extends RuntimeException {

    public OperationTimeoutException(String what, Duration timeout) {
        super(what + " did not finish within " + timeout);
    }
}
