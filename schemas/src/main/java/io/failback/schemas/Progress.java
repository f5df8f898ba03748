package io.failback.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.failback.messages.JobState;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;

/**
 * How a reader of the status topic counts a job's progress, the same in every client (failbackctl, the dashboard):
 * which job states end it, which VM states count as done or failed, and the counts per boot group.
 */
public final class Progress {

    /** Job states after which nothing more happens to the job. */
    public static final Set<JobState> TERMINAL = EnumSet.of(JobState.REJECTED, JobState.COMPLETED,
            JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK, JobState.CANCELLED, JobState.FAILED);

    /** VM states at or past "failed back, awaiting commit": the VM runs on premises. */
    public static final Set<VmState> VM_DONE = EnumSet.of(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING,
            VmState.COMMITTED, VmState.REPROTECTING, VmState.REPROTECTED);

    /** VM states that end the VM's part without failing it back. */
    public static final Set<VmState> VM_FAILED = EnumSet.of(VmState.REJECTED, VmState.FAILED, VmState.ROLLED_BACK);

    /** One boot group's VMs: in all, done and failed. */
    public record Group(int group, int total, int done, int failed) {
    }

    private Progress() {
    }

    /** Per boot group, in group order, the count of these VMs done, failed and in all. */
    public static List<Group> groups(Collection<VmStatus> vms) {
        Map<Integer, int[]> counts = new TreeMap<>();
        for (VmStatus vm : vms) {
            int[] c = counts.computeIfAbsent(vm.getGroup(), g -> new int[3]);
            c[0]++;
            if (VM_DONE.contains(vm.getState())) {
                c[1]++;
            } else if (VM_FAILED.contains(vm.getState())) {
                c[2]++;
            }
        }
        List<Group> groups = new ArrayList<>();
        counts.forEach((g, c) -> groups.add(new Group(g, c[0], c[1], c[2])));
        return groups;
    }
}
