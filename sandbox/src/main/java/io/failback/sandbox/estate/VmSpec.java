package io.failback.sandbox.estate;

import java.util.List;

/**
 * One protected VM of a sandbox estate, as every stand-in sees it: the replication engine's protected
 * item, the on-premises VM and master-target disks in the vCenter simulator, the Azure VM in the ARM emulator.
 *
 * @param appConsistent whether the replication engine takes app-consistent points of it at all
 * @param replicationGroup the multi-VM consistency group, or null
 */
public record VmSpec(String vmId, String name, String os, String osVersion, String guestId, int group, String replicationGroup,
                     boolean appConsistent, String onPremisesVm, String azureVmName, List<String> replicaDisks) {

    public boolean windows() {
        return "WINDOWS".equals(os);
    }
}
