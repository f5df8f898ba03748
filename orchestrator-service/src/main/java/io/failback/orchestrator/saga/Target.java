package io.failback.orchestrator.saga;

import java.util.List;

import io.failback.messages.AlternateLocation;
import io.failback.messages.DiskPlacement;
import io.failback.messages.MachineShape;
import io.failback.messages.OsType;

/**
 * Where a VM's failback happens, copied from its protected item when the job starts.
 *
 * @param onPremisesInstanceUuid how the vcenter-agent finds the on-premises VM (names are not unique); null when unknown
 * @param diskLayout each replica disk's original place on the on-premises VM; empty when unknown
 * @param alternateLocation where the failback creates a new VM (issue 12 item 4, ALR), its vCenter always set; null
 *        for a failback to the original VM. With it, {@code onPremisesVm} and {@code onPremisesInstanceUuid} name
 *        the VM to be created.
 * @param shape the source machine's shape the new VM is created with; null when unknown
 * @param physical a physical server: it has no on-premises VM, and fails back only to an alternate location
 */
public record Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                     String azureVmId, String azureResourceGroup, boolean windows, String processServer,
                     String onPremisesInstanceUuid, List<DiskPlacement> diskLayout,
                     AlternateLocation alternateLocation, MachineShape shape, boolean physical) {

    public Target {
        diskLayout = diskLayout == null ? List.of() : List.copyOf(diskLayout);
    }

    /** A target without the on-premises VM's identity and layout (an item from before issue 12). */
    public Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                  String azureVmId, String azureResourceGroup, boolean windows, String processServer) {
        this(vCenter, masterTarget, onPremisesVm, replicaDisks, azureVmId, azureResourceGroup, windows, processServer, null, List.of(),
                null, null, false);
    }

    /** A failback to the original on-premises VM. */
    public Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                  String azureVmId, String azureResourceGroup, boolean windows, String processServer,
                  String onPremisesInstanceUuid, List<DiskPlacement> diskLayout) {
        this(vCenter, masterTarget, onPremisesVm, replicaDisks, azureVmId, azureResourceGroup, windows, processServer,
                onPremisesInstanceUuid, diskLayout, null, null, false);
    }

    /** The same target, for a physical server. */
    public Target asPhysical() {
        return new Target(vCenter, masterTarget, onPremisesVm, replicaDisks, azureVmId, azureResourceGroup, windows, processServer,
                onPremisesInstanceUuid, diskLayout, alternateLocation, shape, true);
    }

    public OsType osType() {
        return windows ? OsType.WINDOWS : OsType.LINUX;
    }

    /** Whether the failback creates a new VM (alternate location recovery) rather than using the original one. */
    public boolean alternate() {
        return alternateLocation != null;
    }

    /** The same target, the created VM found under this instance UUID (vCenter may not keep the one asked for). */
    public Target withOnPremisesInstanceUuid(String uuid) {
        return new Target(vCenter, masterTarget, onPremisesVm, replicaDisks, azureVmId, azureResourceGroup, windows, processServer,
                uuid, diskLayout, alternateLocation, shape, physical);
    }
}
