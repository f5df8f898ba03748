package io.failback.sandbox.arm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Every call the emulator answered, in order; what tests read to count mutations and faults. */
public final class OperationLog {

    private final List<LoggedCall> calls = new ArrayList<>();

    synchronized void add(LoggedCall call) {
        calls.add(call);
    }

    public synchronized List<LoggedCall> calls() {
        return List.copyOf(calls);
    }

    /** Accepted mutating calls, in order. */
    public synchronized List<LoggedCall> mutations() {
        return calls.stream().filter(LoggedCall::isMutation).toList();
    }

    /** Accepted mutating calls on one resource (an ARM id, any case). */
    public synchronized List<LoggedCall> mutationsOf(String resourceId) {
        String wanted = resourceId.toLowerCase(Locale.ROOT);
        return calls.stream().filter(LoggedCall::isMutation)
                .filter(c -> c.resourceId() != null && c.resourceId().toLowerCase(Locale.ROOT).equals(wanted)).toList();
    }

    public synchronized long count(OperationKind kind) {
        return calls.stream().filter(c -> c.kind() == kind).count();
    }

    /** Calls answered with the given HTTP status. */
    public synchronized long countStatus(int status) {
        return calls.stream().filter(c -> c.status() == status).count();
    }

    public synchronized void clear() {
        calls.clear();
    }
}
