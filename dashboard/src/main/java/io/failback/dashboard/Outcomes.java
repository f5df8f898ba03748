package io.failback.dashboard;

import java.util.Set;

import io.failback.messages.JobState;
import io.failback.messages.VmState;

/** How the dashboard reads the orchestrator's states, as failbackctl does: which VM states count as done or failed. */
final class Outcomes {

    /** Job states after which nothing more happens to the job. */
    static final Set<JobState> TERMINAL = io.failback.schemas.Progress.TERMINAL;

    /** VM states at or past "failed back, awaiting commit": the VM runs on premises. */
    static final Set<VmState> VM_DONE = io.failback.schemas.Progress.VM_DONE;

    /** VM states that end the VM's part without failing it back. */
    static final Set<VmState> VM_FAILED = io.failback.schemas.Progress.VM_FAILED;

    private Outcomes() {
    }
}
