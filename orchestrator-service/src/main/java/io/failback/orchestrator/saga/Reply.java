package io.failback.orchestrator.saga;

import java.util.List;
import java.util.function.Function;

import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.AzureVmState;
import io.failback.messages.DisksChanged;
import io.failback.messages.FailbackPrepared;
import io.failback.messages.PowerState;
import io.failback.messages.ReasonCode;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.Step;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmCreated;
import io.failback.messages.VmPowerState;

/**
 * Any agent's answer to a command, in the one shape the per-VM saga reads: vCenter, Azure and replication
 * results differ only in how their codes map to a reason, which is decided here, once per agent.
 *
 * @param what the agent and its code, as audited when the answer matches no pending command
 * @param detail the agent's own words, for the audit
 * @param outcome what the agent read back on success (power state, disks, the Azure VM), or null
 * @param failure the reason code of a failure; null on success
 * @param describe the failure's message for the step it answered
 * @param agentNotRegistered reprotect refused because the VM's agent has not registered yet: retried in a window
 * @param preflight the preflight reasons this answer gives when it answers a preflight check
 * @param at when the agent finished, by its clock (the Azure VM's shutdown time starts the data-loss window)
 */
record Reply(String jobId, String vmId, String commandId, String code, String what, String detail, boolean ok,
             Object outcome, ReasonCode failure, Function<Step, String> describe, boolean agentNotRegistered,
             PreflightCheck preflight, long at) {

    /** The preflight reasons of an answer to a check, given the VM's id and target. */
    interface PreflightCheck {
        List<Reason> reasons(String vmId, Target target);
    }

    /** The reply an agent result makes, within bounds; null for anything that isn't an agent result. */
    static Reply of(Object result) {
        if (result instanceof AzureResult a) {
            return azure(Intake.bound(a));
        }
        if (result instanceof VcenterResult v) {
            return vcenter(Intake.bound(v));
        }
        if (result instanceof ReplicationResult r) {
            return replication(Intake.bound(r));
        }
        return null;
    }

    private static Reply azure(AzureResult r) {
        boolean ok = r.getCode() == AzureResultCode.OK;
        String detail = r.getArmCode() + " " + r.getMessage();
        return new Reply(r.getJobId(), r.getVmId(), r.getCommandId(), r.getCode().toString(), "Azure " + r.getCode(), detail,
                ok, ok && r.getOutcome() != null && r.getOutcome().getExists() ? r.getOutcome() : null,
                ok ? null : r.getCode() == AzureResultCode.TIMEOUT ? ReasonCode.STEP_TIMEOUT : ReasonCode.STEP_FAILED,
                step -> step + " failed: " + r.getCode() + " " + detail, false,
                (vmId, target) -> Preflight.azureReasons(vmId, target, r), r.getCompletedAt().toEpochMilli());
    }

    private static Reply vcenter(VcenterResult r) {
        boolean ok = r.getCode() == VcenterResultCode.OK;
        ReasonCode failure = switch (r.getCode()) {
            case OK -> null;
            case DISK_ATTACHED_ELSEWHERE -> ReasonCode.DISK_ATTACHED_ELSEWHERE;
            case LAYOUT_NOT_KEPT -> ReasonCode.DISK_LAYOUT_NOT_KEPT;
            case TIMEOUT -> ReasonCode.STEP_TIMEOUT;
            case NOT_CONNECTED, AUTHENTICATION_FAILED, UNKNOWN_VCENTER -> ReasonCode.VCENTER_NOT_CONNECTED;
            default -> ReasonCode.STEP_FAILED;
        };
        return new Reply(r.getJobId(), r.getVmId(), r.getCommandId(), r.getCode().toString(), "vCenter " + r.getCode(),
                r.getMessage(), ok, r.getOutcome(), failure, step -> step + " failed: " + r.getCode() + " " + r.getMessage(),
                false, (vmId, target) -> Preflight.vcenterReasons(vmId, target, r), r.getCompletedAt().toEpochMilli());
    }

    private static Reply replication(ReplicationResult r) {
        boolean ok = r.getCode() == ReplicationResultCode.OK;
        ReasonCode failure = ok ? null
                : r.getCode() == ReplicationResultCode.POINT_EXPIRED ? ReasonCode.RECOVERY_POINT_EXPIRED : ReasonCode.REPROTECT_FAILED;
        return new Reply(r.getJobId(), r.getVmId(), r.getCommandId(), r.getCode().toString(), "replication " + r.getCode(),
                r.getMessage(), ok, r.getOutcome(), failure,
                step -> (step == Step.REPROTECT ? "reprotect" : step.toString()) + " failed: " + r.getCode() + " " + r.getMessage(),
                r.getCode() == ReplicationResultCode.AGENT_NOT_REGISTERED, (vmId, target) -> List.of(),
                r.getCompletedAt().toEpochMilli());
    }

    /** Whether an OK answer carries what the step must read back: a created VM answers with the VM it made. */
    boolean proves(Step step) {
        return step != Step.CREATE_ON_PREMISES_VM || outcome instanceof VmCreated c && !c.getInstanceUuid().isEmpty();
    }

    /** {@code vm} with what this answer proves: the Azure VM's resources, power-on and attach as the agent read them back. */
    VmJob readInto(VmJob vm, Step step) {
        if (!ok) {
            return vm;
        }
        VmJob read = vm;
        if (outcome instanceof AzureVmState azure) {
            read = read.withAzureDiskIds(azure.getManagedDiskIds()).withAzureNicIds(azure.getNetworkInterfaceIds());
        }
        if (outcome instanceof FailbackPrepared prepared) {
            read = PointApplication.applied(read, prepared);
        }
        if (outcome instanceof VmCreated created && step == Step.CREATE_ON_PREMISES_VM) { // vCenter may give another UUID
            read = read.withTarget(read.target().withOnPremisesInstanceUuid(created.getInstanceUuid()));
        }
        return switch (step) {
            case SHUT_DOWN_AZURE_VM -> read.withShutdownAt(at);
            case POWER_ON_ON_PREMISES_VM -> read.withPoweredOnVerified(
                    outcome instanceof VmPowerState ps && ps.getPowerState() == PowerState.POWERED_ON);
            case ATTACH_TO_ON_PREMISES_VM -> read.withDisksVerified(
                    outcome instanceof DisksChanged dc && dc.getDisks().containsAll(read.target().replicaDisks()));
            default -> read;
        };
    }
}
