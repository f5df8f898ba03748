package io.failback.orchestrator.saga;

/** A step that can't happen in the job's or VM's current state; named, never silently ignored. */
public final class IllegalTransitionException extends RuntimeException {

    public IllegalTransitionException(String message) {
        super(message);
    }
}
