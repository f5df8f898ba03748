package io.failback.sandbox.estate;

import java.util.List;

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
 *                         controllers taken, so attaching the replica disks to it fails
 */
public record VmSpec(String vmId, String name, String os, String osVersion, String guestId, String planId, int group,
                     String replicationGroup, Points points, String masterTarget, String onPremisesVm, String azureVmName,
                     List<String> replicaDisks, boolean onPremisesVmFull) {

    /** Which recovery points the replication engine takes of a VM. */
    public enum Points { CRASH_AND_APP_CONSISTENT, CRASH_CONSISTENT_ONLY, NONE }

    public boolean windows() {
        return "WINDOWS".equals(os);
    }

    public boolean appConsistent() {
        return points == Points.CRASH_AND_APP_CONSISTENT;
    }
}
