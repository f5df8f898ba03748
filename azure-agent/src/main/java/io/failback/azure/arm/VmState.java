package io.failback.azure.arm;

import io.failback.messages.AzurePowerState;

/** What the agent found an Azure VM to be: whether it exists, in which resource group, in which power state. */
public record VmState(boolean exists, String resourceGroup, AzurePowerState powerState) {

    static VmState gone(VmRef ref) {
        return new VmState(false, ref.resourceGroup(), AzurePowerState.UNKNOWN);
    }
}
