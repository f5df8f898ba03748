package io.failback.orchestrator.saga;

import java.util.List;

import io.failback.messages.DiskPlacement;
import io.failback.messages.OsType;

/**
 * Where a VM's failback happens, copied from its protected item when the job starts.
 *
 * @param onPremisesInstanceUuid how the vcenter-agent finds the on-premises VM (names are not unique); null when unknown
 * @param diskLayout each replica disk's original place on the on-premises VM; empty when unknown
 */
public record Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                     String azureVmId, String azureResourceGroup, boolean windows, String processServer,
                     String onPremisesInstanceUuid, List<DiskPlacement> diskLayout) {

    public Target {
        diskLayout = diskLayout == null ? List.of() : List.copyOf(diskLayout);
    }

    /** A target without the on-premises VM's identity and layout (an item from before issue 12). */
    public Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                  String azureVmId, String azureResourceGroup, boolean windows, String processServer) {
        this(vCenter, masterTarget, onPremisesVm, replicaDisks, azureVmId, azureResourceGroup, windows, processServer, null, List.of());
    }

    public OsType osType() {
        return windows ? OsType.WINDOWS : OsType.LINUX;
    }
}
