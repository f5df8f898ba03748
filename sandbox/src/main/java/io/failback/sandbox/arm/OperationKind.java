package io.failback.sandbox.arm;

/**
 * What one request to the emulator asked for. Latency and faults can be aimed at kinds, and the
 * operation log names the kind of every call so that tests can count mutations.
 */
public enum OperationKind {
    GET_VM(false),
    GET_VM_INSTANCE_VIEW(false),
    LIST_VMS(false),
    POWER_OFF_VM(true),
    DEALLOCATE_VM(true),
    START_VM(true),
    DELETE_VM(true),
    GET_DISK(false),
    DELETE_DISK(true),
    GET_NETWORK_INTERFACE(false),
    DELETE_NETWORK_INTERFACE(true),
    /** A poll of an {@code Azure-AsyncOperation} URL. */
    GET_OPERATION_STATUS(false),
    /** A poll of a {@code Location} URL (the operation's result). */
    GET_OPERATION_RESULT(false),
    /** Anything the emulator has no route for. */
    UNKNOWN(false);

    private final boolean mutating;

    OperationKind(boolean mutating) {
        this.mutating = mutating;
    }

    /** Whether an accepted call of this kind asks ARM to change something. */
    public boolean mutating() {
        return mutating;
    }
}
