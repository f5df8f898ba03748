package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OnPremisesVmToCheck;
import io.failback.messages.ReasonCode;

/**
 * The on-premises side of the preflight (issue 12 item 3), asked of the vcenter-agent in the same question as
 * the master target: the on-premises VM exists (by instance UUID) and is powered off, has room for the replica
 * disks at their original places, and the master target runs the VM's OS family. Each broken rule is a reason.
 */
final class OnPremisesChecks {

    private OnPremisesChecks() {
    }

    /** What the preflight asks of vCenter about the on-premises VM. */
    static OnPremisesVmToCheck question(Target target) {
        return target.alternate() || target.physical() ? null : new OnPremisesVmToCheck(target.onPremisesVm(), target.onPremisesInstanceUuid(), target.osType(), target.diskLayout());
    }

    /** The reasons from an inspection of a master target that exists. */
    static List<Reason> reasons(String vmId, Target target, MasterTargetInspected mt) {
        List<Reason> reasons = new ArrayList<>();
        if (mt.getMasterTargetOsFamily() != target.osType()) {
            reasons.add(new Reason(ReasonCode.MASTER_TARGET_OS_MISMATCH, vmId + " runs " + target.osType() + " but master target "
                    + target.masterTarget() + " runs " + (mt.getMasterTargetOsFamily() == null
                    ? "an OS of neither family (guest id '" + mt.getMasterTargetGuestId() + "')" : mt.getMasterTargetOsFamily())
                    + "; a " + target.osType() + " VM fails back through a " + target.osType() + " master target"));
        }
        reasons.addAll(onPremisesVmReasons(vmId, target, mt));
        return reasons;
    }

    /** The reasons about the on-premises VM itself; an answer without it is from an agent that did not check it. */
    static List<Reason> onPremisesVmReasons(String vmId, Target target, MasterTargetInspected mt) {
        if (target.alternate()) { // a new VM: its place is checked instead (issue 12 item 4)
            return AlternateLocations.inspected(vmId, target, mt.getAlternateLocationProblems());
        }
        if (target.physical()) { // no VM to check: it is refused for want of a location (ALTERNATE_LOCATION_REQUIRED)
            return List.of();
        }
        OnPremisesVmInspected vm = mt.getOnPremisesVm();
        String which = "on-premises VM " + target.onPremisesVm()
                + (target.onPremisesInstanceUuid() == null ? "" : " (instance UUID " + target.onPremisesInstanceUuid() + ")");
        if (vm == null) {
            return List.of(new Reason(ReasonCode.STEP_FAILED, vmId + ": the vcenter-agent did not check " + which
                    + "; it may be older than the orchestrator"));
        }
        if (!vm.getExists()) {
            return List.of(new Reason(ReasonCode.ON_PREMISES_VM_NOT_FOUND, vmId + ": " + which + " not found in vCenter "
                    + target.vCenter() + "; it may have been deleted"));
        }
        List<Reason> reasons = new ArrayList<>();
        if (!vm.getPoweredOff()) {
            reasons.add(new Reason(ReasonCode.ON_PREMISES_VM_NOT_POWERED_OFF, vmId + ": " + which + " is powered on; "
                    + "power it off before failback, its disks are about to be replaced"));
        }
        if (!vm.getLayoutProblems().isEmpty()) {
            reasons.add(new Reason(ReasonCode.NO_ROOM_FOR_REPLICA_DISKS, vmId + ": " + which + " has no room for the replica disks "
                    + "at their original places: " + String.join("; ", vm.getLayoutProblems())));
        }
        return reasons;
    }
}
