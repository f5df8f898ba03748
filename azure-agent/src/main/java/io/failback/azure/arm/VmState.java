package io.failback.azure.arm;

import java.util.List;

import io.failback.messages.AzurePowerState;

/**
 * What the agent found an Azure VM to be: whether it exists, in which resource group, in which power
 * state, and the managed disks (OS disk first) and network interfaces it references.
 */
public record VmState(boolean exists, String resourceGroup, AzurePowerState powerState, List<String> managedDiskIds,
                      List<String> networkInterfaceIds) {

    public VmState {
        managedDiskIds = List.copyOf(managedDiskIds);
        networkInterfaceIds = List.copyOf(networkInterfaceIds);
    }

    static VmState gone(VmRef ref) {
        return new VmState(false, ref.resourceGroup(), AzurePowerState.UNKNOWN, List.of(), List.of());
    }
}
