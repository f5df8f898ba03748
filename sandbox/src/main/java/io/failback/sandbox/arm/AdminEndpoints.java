package io.failback.sandbox.arm;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The emulator's own endpoints, outside ARM's URL space, for a test or demo that runs the emulator
 * as a separate process: {@code GET /_emulator/calls} returns the operation log and
 * {@code POST /_emulator/faults?...} changes latency and faults (the same settings as {@link Faults}).
 */
final class AdminEndpoints {

    static final String PREFIX = "/_emulator/";

    private final Faults faults;
    private final OperationLog operationLog;

    AdminEndpoints(Faults faults, OperationLog operationLog) {
        this.faults = faults;
        this.operationLog = operationLog;
    }

    /** One call of the operation log as {@code GET /_emulator/calls} lists it. */
    record Call(String at, String method, String path, String kind, String resourceId, int status, boolean mutation) {
    }

    /** The body to answer 200 with, or null for 404. */
    Object answer(String method, String path, Map<String, String> query) {
        if (method.equals("GET") && path.equals(PREFIX + "calls")) {
            return new Representations.Page<>(operationLog.calls().stream().map(c -> new Call(c.at().toString(), c.method(),
                    c.path(), c.kind().name(), c.resourceId(), c.status(), c.isMutation())).toList());
        }
        if (method.equals("POST") && path.equals(PREFIX + "faults")) {
            applyFaults(query);
            return Map.of();
        }
        return null;
    }

    /**
     * Query parameters: {@code clear}, {@code kinds} (comma-separated {@link OperationKind} names, for
     * the settings below that take kinds), {@code latencyMs}, {@code operationMs}, {@code throttleNext}
     * with {@code retryAfterSeconds}, {@code failNext}, {@code failOperationsNext}, {@code throttleRate},
     * {@code serverErrorRate}.
     */
    void applyFaults(Map<String, String> q) {
        OperationKind[] kinds = q.containsKey("kinds") ? Arrays.stream(q.get("kinds").split(","))
                .map(k -> OperationKind.valueOf(k.trim().toUpperCase(Locale.ROOT))).toArray(OperationKind[]::new)
                : new OperationKind[0];
        Duration retryAfter = Duration.ofSeconds(Long.parseLong(q.getOrDefault("retryAfterSeconds", "1")));
        if (q.containsKey("clear")) {
            faults.clear();
        }
        if (q.containsKey("latencyMs")) {
            faults.latency(Duration.ofMillis(Long.parseLong(q.get("latencyMs"))), kinds);
        }
        if (q.containsKey("operationMs")) {
            faults.operationDuration(Duration.ofMillis(Long.parseLong(q.get("operationMs"))), kinds);
        }
        if (q.containsKey("throttleNext")) {
            faults.throttleNext(Integer.parseInt(q.get("throttleNext")), retryAfter, kinds);
        }
        if (q.containsKey("failNext")) {
            faults.failNext(Integer.parseInt(q.get("failNext")), kinds);
        }
        if (q.containsKey("failOperationsNext")) {
            faults.failOperationsNext(Integer.parseInt(q.get("failOperationsNext")), kinds);
        }
        if (q.containsKey("throttleRate")) {
            faults.throttleRate(Double.parseDouble(q.get("throttleRate")), retryAfter);
        }
        if (q.containsKey("serverErrorRate")) {
            faults.serverErrorRate(Double.parseDouble(q.get("serverErrorRate")));
        }
    }
}
