package io.failback.sandbox.estate;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;

/**
 * One protected VM of a sandbox estate, as every stand-in sees it: the replication engine's protected
 * item, the on-premises VM and its replica disks on a master target in the vCenter simulator, the
 * failed-over VM in the ARM emulator.
 *
 * @param planId the recovery plan it belongs to, or null
 * @param group its 1-based boot-order group in the plan
 * @param replicationGroup the multi-VM consistency group, or null
 * @param points which recovery points the replication engine takes of it
 * @param onPremisesVmFull a fault to inject: the on-premises VM has every SCSI unit of its four
 *                         controllers taken, so the replica disks have no room at their original places
 * @param onPremisesInstanceUuid the on-premises VM's instance UUID, by which the vcenter-agent finds it
 */
public record VmSpec(String vmId, String name, String os, String osVersion, String guestId, String planId, int group,
                     String replicationGroup, Points points, String masterTarget, String onPremisesVm, String azureVmName,
                     List<String> replicaDisks, boolean onPremisesVmFull, String onPremisesInstanceUuid) {

    /** Where the replica disks sat on the on-premises VM: in order on SCSI 0, the boot disk at 0:0. */
    public List<DiskPlacement> originalLayout() {
        List<DiskPlacement> layout = new ArrayList<>();
        for (int unit = 0; unit < replicaDisks.size(); unit++) {
            // unit 7 is the SCSI controller's own
            layout.add(new DiskPlacement(replicaDisks.get(unit), DiskControllerType.SCSI, 0, unit < 7 ? unit : unit + 1));
        }
        return layout;
    }

    /** Which recovery points the replication engine takes of a VM. */
    public enum Points { CRASH_AND_APP_CONSISTENT, CRASH_CONSISTENT_ONLY, NONE }

    public boolean windows() {
        return "WINDOWS".equals(os);
    }

    public boolean appConsistent() {
        return points == Points.CRASH_AND_APP_CONSISTENT;
    }
}
