package io.failback.azure.arm;

/**
 * The parts of an Azure VM's ARM resource id that the SDK's calls take:
 * {@code /subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}}.
 */
public record VmRef(String subscription, String resourceGroup, String name) {

    /** Parses a VM id; anything else, including a disk's or a scale set VM's id, is refused. */
    public static VmRef parse(String resourceId) {
        ResourceRef ref = ResourceRef.parse(resourceId);
        if (!ref.namespace().equalsIgnoreCase("Microsoft.Compute") || !ref.type().equalsIgnoreCase("virtualMachines")) {
            throw new IllegalArgumentException("not a virtual machine resource id: " + resourceId);
        }
        return new VmRef(ref.subscription(), ref.resourceGroup(), ref.name());
    }

    @Override
    public String toString() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }
}
