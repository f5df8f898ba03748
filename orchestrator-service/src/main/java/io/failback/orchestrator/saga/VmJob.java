package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.Step;
import io.failback.messages.VmState;

/**
 * One VM's part of a job, stored on its own so no stored record grows with the size of a plan. The
 * saga copies it, changes the copy and hands the copy back; the stored original is never mutated.
 */
public final class VmJob {

    String jobId;
    String vmId;
    int group;
    VmState state = VmState.PREFLIGHT;
    Step step = Step.CHECK_INVENTORY;
    Target target;
    ChosenPoint point;
    List<Reason> reasons = new ArrayList<>();
    /** Commands sent and not answered yet: command id to step. At most two (the preflight checks). */
    Map<String, Step> pending = new LinkedHashMap<>();
    boolean claimAnswered;
    boolean claimed;
    int sequence;
    int attempts;
    /** When the pending commands time out, or when a reprotect retry is due; 0 for never. */
    long deadline;
    /** Undo steps, recorded before the step they undo; the last one runs first. */
    List<Step> compensations = new ArrayList<>();
    boolean cancelRequested;
    Reason rollbackReason;
    boolean poweredOnVerified;
    boolean disksVerified;
    long reprotectUntil;
    /** Reprotect tries refused with "agent not registered" so far; sets the back-off. */
    int reprotectRefusals;
    /** The managed disks and network interfaces the Azure VM referenced when last read; the delete on commit names them. */
    List<String> azureDiskIds = new ArrayList<>();
    List<String> azureNicIds = new ArrayList<>();

    VmJob() {
        // for the store serde
    }

    VmJob(String jobId, String vmId, int group) {
        this.jobId = jobId;
        this.vmId = vmId;
        this.group = group;
    }

    VmJob copy() {
        VmJob c = new VmJob(jobId, vmId, group);
        c.state = state;
        c.step = step;
        c.target = target;
        c.point = point;
        c.reasons = new ArrayList<>(reasons);
        c.pending = new LinkedHashMap<>(pending);
        c.claimAnswered = claimAnswered;
        c.claimed = claimed;
        c.sequence = sequence;
        c.attempts = attempts;
        c.deadline = deadline;
        c.compensations = new ArrayList<>(compensations);
        c.cancelRequested = cancelRequested;
        c.rollbackReason = rollbackReason;
        c.poweredOnVerified = poweredOnVerified;
        c.disksVerified = disksVerified;
        c.reprotectUntil = reprotectUntil;
        c.reprotectRefusals = reprotectRefusals;
        c.azureDiskIds = new ArrayList<>(azureDiskIds);
        c.azureNicIds = new ArrayList<>(azureNicIds);
        return c;
    }

    public String jobId() { return jobId; }
    public String vmId() { return vmId; }
    public int group() { return group; }
    public VmState state() { return state; }
    public Step step() { return step; }
    public Target target() { return target; }
    public ChosenPoint point() { return point; }
    public List<Reason> reasons() { return List.copyOf(reasons); }
    public Map<String, Step> pending() { return Map.copyOf(pending); }
    public boolean claimed() { return claimed; }
    public long deadline() { return deadline; }
    public int attempts() { return attempts; }
    public List<Step> compensations() { return List.copyOf(compensations); }

    /** Terminal: nothing more will happen to this VM in this job. */
    public boolean isFinished() {
        return switch (state) {
            case REJECTED, COMMITTED, REPROTECTED, ROLLED_BACK, FAILED -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "VmJob[" + jobId + "/" + vmId + " " + state + " " + step + " pending=" + pending.values() + "]";
    }
}
