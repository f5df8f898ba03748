package io.failback.orchestrator.streams;

import io.failback.messages.AzureResult;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReplicationResult;
import io.failback.messages.VcenterResult;
import io.failback.messages.VmClaimAnswer;
import io.failback.schemas.LogSafe;
import org.slf4j.MDC;

/**
 * The VM and command an input record concerns, put in the log's context (MDC) while it is processed, so every
 * line the orchestrator logs about an agent's result carries {@code vmId} and {@code commandId} beside {@code jobId}.
 */
final class LogContext {

    private LogContext() {
    }

    static void putVmAndCommand(Object value) {
        Object input = value instanceof OrchestratorInput wrapped ? wrapped.getInput() : value;
        if (input instanceof VcenterResult r) {
            put(r.getVmId(), r.getCommandId());
        } else if (input instanceof AzureResult r) {
            put(r.getVmId(), r.getCommandId());
        } else if (input instanceof ReplicationResult r) {
            put(r.getVmId(), r.getCommandId());
        } else if (input instanceof VmClaimAnswer a) {
            put(a.getVmId(), null);
        }
    }

    static void clear() {
        MDC.remove("vmId");
        MDC.remove("commandId");
    }

    private static void put(String vmId, String commandId) {
        if (vmId != null) {
            MDC.put("vmId", LogSafe.of(vmId, 128));
        }
        if (commandId != null) {
            MDC.put("commandId", LogSafe.of(commandId, 128));
        }
    }
}
