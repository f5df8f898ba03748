package io.failback.sandbox.arm;

import java.util.Locale;

/**
 * An ARM resource id of a resource in a resource group:
 * {@code /subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/{name}}. ARM compares ids
 * without regard to case; {@link #key()} is the form the emulator indexes by.
 */
public record ArmId(String subscription, String resourceGroup, String namespace, String type, String name) {

    public static final String COMPUTE = "Microsoft.Compute";
    public static final String NETWORK = "Microsoft.Network";

    public static ArmId parse(String id) {
        String[] s = id.startsWith("/") ? id.substring(1).split("/") : id.split("/");
        if (s.length != 8 || !s[0].equalsIgnoreCase("subscriptions") || !s[2].equalsIgnoreCase("resourceGroups")
                || !s[4].equalsIgnoreCase("providers") || s[7].isEmpty()) {
            throw new IllegalArgumentException("not an ARM resource id of a resource in a resource group: " + id);
        }
        return new ArmId(s[1], s[3], s[5], s[6], s[7]);
    }

    public static ArmId virtualMachine(String subscription, String resourceGroup, String name) {
        return new ArmId(subscription, resourceGroup, COMPUTE, "virtualMachines", name);
    }

    public static ArmId disk(String subscription, String resourceGroup, String name) {
        return new ArmId(subscription, resourceGroup, COMPUTE, "disks", name);
    }

    public static ArmId networkInterface(String subscription, String resourceGroup, String name) {
        return new ArmId(subscription, resourceGroup, NETWORK, "networkInterfaces", name);
    }

    /** The same resource name and type in another resource group (what a move does to an id). */
    public ArmId inResourceGroup(String group) {
        return new ArmId(subscription, group, namespace, type, name);
    }

    /** The sibling resource of another type in the same resource group. */
    ArmId sibling(String siblingNamespace, String siblingType, String siblingName) {
        return new ArmId(subscription, resourceGroup, siblingNamespace, siblingType, siblingName);
    }

    String key() {
        return toString().toLowerCase(Locale.ROOT);
    }

    String resourceGroupKey() {
        return ("/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup).toLowerCase(Locale.ROOT);
    }

    String fullType() {
        return namespace + "/" + type;
    }

    @Override
    public String toString() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup + "/providers/" + namespace + "/" + type
                + "/" + name;
    }
}
