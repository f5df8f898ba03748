package io.failback.dashboard;

import java.util.EnumSet;
import java.util.Set;

import io.failback.messages.JobState;
import io.failback.messages.VmState;

/** How the dashboard reads the orchestrator's states, as failbackctl does: which VM states count as done or failed. */
final class Outcomes {

    /** Job states after which nothing more happens to the job. */
    static final Set<JobState> TERMINAL = EnumSet.of(JobState.REJECTED, JobState.COMPLETED,
            JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK, JobState.CANCELLED, JobState.FAILED);

    /** VM states at or past "failed back, awaiting commit": the VM runs on premises. */
    static final Set<VmState> VM_DONE = EnumSet.of(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING,
            VmState.COMMITTED, VmState.REPROTECTING, VmState.REPROTECTED);

    /** VM states that end the VM's part without failing it back. */
    static final Set<VmState> VM_FAILED = EnumSet.of(VmState.REJECTED, VmState.FAILED, VmState.ROLLED_BACK);

    private Outcomes() {
    }
}
