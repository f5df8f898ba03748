package io.failback.sandbox.arm;

/**
 * A VM to seed the emulator with, with its managed OS disk, data disks and network interfaces (named
 * after the VM, in its resource group). Disks and interfaces are detached when the VM is deleted,
 * unless {@code deleteWithVm}, which seeds ARM's {@code deleteOption: Delete} on them.
 */
public record VmSpec(ArmId id, String location, ArmPowerState powerState, String osType, String vmSize, int dataDisks,
                     int networkInterfaces, boolean deleteWithVm) {

    public VmSpec {
        if (!id.namespace().equalsIgnoreCase(ArmId.COMPUTE) || !id.type().equalsIgnoreCase("virtualMachines")) {
            throw new IllegalArgumentException("not a virtual machine id: " + id);
        }
        if (dataDisks < 0 || networkInterfaces < 1) {
            throw new IllegalArgumentException("a VM has zero or more data disks and at least one network interface");
        }
    }

    /** A running Windows VM in westeurope with one data disk and one network interface. */
    public static VmSpec of(String resourceId) {
        return new VmSpec(ArmId.parse(resourceId), "westeurope", ArmPowerState.RUNNING, "Windows", "Standard_D2s_v3", 1, 1, false);
    }

    public VmSpec powerState(ArmPowerState state) {
        return new VmSpec(id, location, state, osType, vmSize, dataDisks, networkInterfaces, deleteWithVm);
    }

    public VmSpec dataDisks(int count) {
        return new VmSpec(id, location, powerState, osType, vmSize, count, networkInterfaces, deleteWithVm);
    }

    public VmSpec deleteWithVm(boolean delete) {
        return new VmSpec(id, location, powerState, osType, vmSize, dataDisks, networkInterfaces, delete);
    }
}
