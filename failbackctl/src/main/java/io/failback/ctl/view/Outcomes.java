package io.failback.ctl.view;

import java.util.Set;

import io.failback.messages.JobState;
import io.failback.messages.VmState;

/**
 * How the command line reads the orchestrator's states: which job states end a watch, which count as
 * success, and which VM states count as done or failed in a progress bar.
 */
public final class Outcomes {

    /** Job states after which nothing more happens to the job. */
    public static final Set<JobState> TERMINAL = io.failback.schemas.Progress.TERMINAL;

    /** VM states at or past "failed back, awaiting commit": the VM runs on premises. */
    public static final Set<VmState> VM_DONE = io.failback.schemas.Progress.VM_DONE;

    /** VM states that end the VM's part without failing it back. */
    public static final Set<VmState> VM_FAILED = io.failback.schemas.Progress.VM_FAILED;

    private Outcomes() {
    }

    /**
     * Whether a watch stops at this state: a terminal state always, and {@code AWAITING_COMMIT} too
     * unless the caller follows the job until it is done.
     */
    public static boolean endsWatch(JobState state, boolean untilDone) {
        if (state == null) {
            return false;
        }
        // NEEDS_ATTENTION: the job waits for an operator's fix and retry, a watch would wait forever
        return TERMINAL.contains(state) || state == JobState.NEEDS_ATTENTION || (!untilDone && state == JobState.AWAITING_COMMIT);
    }

    /** Whether a watch that stopped at this state went well: completed, or failed back and awaiting commit. */
    public static boolean successful(JobState state) {
        return state == JobState.COMPLETED || state == JobState.AWAITING_COMMIT;
    }
}
