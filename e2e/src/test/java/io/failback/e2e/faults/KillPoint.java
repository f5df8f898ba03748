package io.failback.e2e.faults;

import java.util.List;
import java.util.function.Predicate;

import io.failback.messages.AttachDisks;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ShutdownAzureVm;
import io.failback.sandbox.estate.VmSpec;

/**
 * The moments of a plan a kill is aimed at, each recognised by the first command of that kind the job
 * sends: preflight's checks, the Azure shutdown, the detach from the master target and the attach to the
 * on-premises VMs of each boot group, and the commit's Azure delete.
 */
public enum KillPoint {
    PREFLIGHT, SHUT_DOWN, DETACH_GROUP_1, ATTACH_GROUP_1, DETACH_GROUP_2, ATTACH_GROUP_2, COMMIT;

    /** Whether a command seen on the tap marks this point in the job running the plan of {@code vms}. */
    public Predicate<CommandTap.Seen> in(String jobId, List<VmSpec> vms) {
        return seen -> jobId.equals(seen.jobId()) && matches(seen, vms);
    }

    private boolean matches(CommandTap.Seen seen, List<VmSpec> vms) {
        VmSpec vm = vms.stream().filter(v -> v.vmId().equals(seen.vmId())).findFirst().orElse(null);
        if (vm == null) {
            return false;
        }
        Object op = seen.operation();
        return switch (this) {
            case PREFLIGHT -> op instanceof ReadAzureVm || op instanceof InspectMasterTarget;
            case SHUT_DOWN -> op instanceof ShutdownAzureVm;
            case DETACH_GROUP_1 -> vm.group() == 1 && op instanceof DetachDisks d && d.getVm().equals(vm.masterTarget());
            case DETACH_GROUP_2 -> vm.group() == 2 && op instanceof DetachDisks d && d.getVm().equals(vm.masterTarget());
            case ATTACH_GROUP_1 -> vm.group() == 1 && op instanceof AttachDisks a && a.getVm().equals(vm.onPremisesVm());
            case ATTACH_GROUP_2 -> vm.group() == 2 && op instanceof AttachDisks a && a.getVm().equals(vm.onPremisesVm());
            case COMMIT -> op instanceof DeleteAzureVm;
        };
    }
}
