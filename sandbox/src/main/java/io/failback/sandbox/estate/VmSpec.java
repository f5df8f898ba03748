package io.failback.sandbox.estate;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.Firmware;
import io.failback.messages.MachineShape;

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
 * @param physical a physical server (issue 12 item 4): it has no on-premises VM and fails back only to a new VM at an
 *                 alternate location, created with its shape
 */
public record VmSpec(String vmId, String name, String os, String osVersion, String guestId, String planId, int group,
                     String replicationGroup, Points points, String masterTarget, String onPremisesVm, String azureVmName,
                     List<String> replicaDisks, boolean onPremisesVmFull, String onPremisesInstanceUuid, boolean physical) {

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

    /** The source machine's shape, as the configuration server reports it: a VM created for it gets this shape. */
    public MachineShape shape() {
        return new MachineShape(windows() ? 4 : 2, windows() ? 8192 : 4096, windows() ? Firmware.EFI : Firmware.BIOS, guestId);
    }

    public boolean appConsistent() {
        return points == Points.CRASH_AND_APP_CONSISTENT;
    }
}
