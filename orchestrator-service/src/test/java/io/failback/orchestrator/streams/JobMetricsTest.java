package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.orchestrator.saga.Outbox;
import io.failback.schemas.Meters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class JobMetricsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobMetrics metrics = new JobMetrics(registry);

    @Test
    void shouldCountAnAnswerByStepAndOutcomeAndTimeItFromTheFirstSend() {
        // given a command sent, then sent again, for one VM
        metrics.record(outbox(audit(AuditKind.COMMAND, "vm-1", "c-1", 0, "SHUT_DOWN_AZURE_VM sent")));
        metrics.record(outbox(audit(AuditKind.COMMAND, "vm-1", "c-1", 500, "SHUT_DOWN_AZURE_VM sent again")));
        assertThat(inFlight()).isEqualTo(1);

        // when its result comes back
        metrics.record(outbox(audit(AuditKind.RESULT, "vm-1", "c-1", 1_500, "SHUT_DOWN_AZURE_VM OK in 1.5 s")));

        // then it is counted by its step and outcome, timed from the first send, and no longer in flight
        assertThat(registry.get(Meters.VM_STEPS).tag("step", "SHUT_DOWN_AZURE_VM").tag("outcome", "OK").counter().count()).isEqualTo(1);
        assertThat(registry.get(Meters.COMMANDS_RESENT).tag("step", "SHUT_DOWN_AZURE_VM").counter().count()).isEqualTo(1);
        assertThat(registry.get(Meters.STEP_DURATION).tag("step", "SHUT_DOWN_AZURE_VM").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(1_500);
        assertThat(inFlight()).isZero();
    }

    @Test
    void shouldNameAnActionWithoutAnOutcomeUnknown() {
        metrics.record(outbox(audit(AuditKind.RESULT, "vm-1", "c-9", 0, "PREPARE_FAILBACK ")));
        metrics.record(outbox(audit(AuditKind.RESULT, "vm-1", "c-8", 0, "PREPARE_FAILBACK")));

        assertThat(registry.get(Meters.VM_STEPS).tag("step", "PREPARE_FAILBACK").tag("outcome", "UNKNOWN").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldForgetTheCommandsOfAVmThatSettledWithoutAnAnswerAndOnlyThose() {
        // given two VMs' commands in flight
        metrics.record(outbox(audit(AuditKind.COMMAND, "vm-1", "c-1", 0, "CHECK_AZURE_VM sent"),
                audit(AuditKind.COMMAND, "vm-1", "c-2", 0, "CHECK_VCENTER sent"),
                audit(AuditKind.COMMAND, "vm-2", "c-3", 0, "CHECK_AZURE_VM sent")));
        assertThat(inFlight()).isEqualTo(3);

        // when the first VM settles (rejected) without its answers
        Outbox settled = new Outbox();
        settled.statuses.add(new StatusEvent("job-1", T0, null, new VmStatus("vm-1", 1, VmState.REJECTED, Step.CHECK_VCENTER, null, List.of(), null)));
        metrics.record(settled);

        // then only the second VM's command is still in flight
        assertThat(inFlight()).isEqualTo(1);
    }

    private double inFlight() {
        return registry.get(Meters.COMMANDS_IN_FLIGHT).gauge().value();
    }

    private static AuditRecord audit(AuditKind kind, String vmId, String commandId, long atMillis, String action) {
        return new AuditRecord("job-1", vmId, commandId, T0.plusMillis(atMillis), "operator", kind, action, "");
    }

    private static Outbox outbox(AuditRecord... audits) {
        Outbox out = new Outbox();
        out.audits.addAll(List.of(audits));
        return out;
    }
}
