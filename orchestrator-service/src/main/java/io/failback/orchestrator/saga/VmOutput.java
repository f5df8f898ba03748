package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.Objects;

import io.failback.messages.AuditKind;
import io.failback.messages.AzureCommand;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.Step;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmState;

/**
 * What a VM's saga writes into a {@link Decision}: its record (with the job's counters and the operator's status
 * moved along) and the commands its steps send, each to the agent the {@link Procedure} names.
 */
final class VmOutput {

    private VmOutput() {
    }

    /**
     * Keeps {@code vm}, moves the job's counters with it, and tells the operator when what they see changed. In
     * preflight that is its start, a reason found and its end: which of its checks and its claim answered first is
     * no news (the job's status counts the VMs still in preflight), and would be three statuses more per VM.
     */
    static void store(Decision d, VmJob vm) {
        VmJob previous = d.recorded(vm.vmId());
        d.setJob(d.working().counting(previous, vm));
        d.put(vm);
        boolean stepShown = previous != null && previous.step() != vm.step() && vm.state() != VmState.PREFLIGHT;
        if (previous == null || previous.state() != vm.state() || stepShown
                || !previous.reasons().equals(vm.reasons()) || !Objects.equals(previous.point(), vm.point())
                || !Objects.equals(previous.appliedPoint(), vm.appliedPoint())) {
            d.vmStatus(vm);
        }
    }

    /** {@code vm} with {@code step} sent: a new command id, pending, its deadline set. */
    static VmJob send(Decision d, VmJob vm, Step step, SagaSettings settings) {
        int sequence = vm.sequence() + 1;
        String commandId = vm.jobId() + ":" + vm.vmId() + ":" + sequence + ":" + step;
        VmJob sent = vm.withSequence(sequence).withPending(commandId, step).withStep(step).withAttempts(1)
                .withDeadline(d.now() + Procedure.timeout(step, settings).toMillis());
        emit(d, sent, commandId, step, "sent");
        return sent;
    }

    static void emit(Decision d, VmJob vm, String commandId, Step step, String verb) {
        Instant at = Instant.ofEpochMilli(d.now());
        Object operation = Procedure.of(step).command().apply(vm);
        switch (Procedure.of(step).agent()) {
            case AZURE -> d.azure(new AzureCommand(commandId, vm.jobId(), vm.vmId(), at, operation));
            case VCENTER -> d.vcenter(new VcenterCommand(commandId, vm.jobId(), vm.vmId(), at, operation));
            case REPLICATION -> d.replication(new ReplicationCommand(commandId, vm.jobId(), vm.vmId(), at, operation));
            default -> throw new IllegalTransitionException("step " + step + " has no command");
        }
        d.audit(AuditKind.COMMAND, vm.vmId(), commandId, null, step + " " + verb, "attempt " + vm.attempts());
    }
}
