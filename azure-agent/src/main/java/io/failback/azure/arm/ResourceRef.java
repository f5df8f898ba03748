package io.failback.azure.arm;

/** An ARM resource id of a resource in a resource group, split into its parts. */
public record ResourceRef(String subscription, String resourceGroup, String namespace, String type, String name) {

    public static ResourceRef parse(String resourceId) {
        if (resourceId == null) {
            throw new IllegalArgumentException("no resource id");
        }
        String[] s = (resourceId.startsWith("/") ? resourceId.substring(1) : resourceId).split("/", -1);
        if (s.length != 8 || !s[0].equalsIgnoreCase("subscriptions") || !s[2].equalsIgnoreCase("resourceGroups")
                || !s[4].equalsIgnoreCase("providers")) {
            throw new IllegalArgumentException("not an ARM resource id of a resource in a resource group: " + resourceId);
        }
        for (String part : s) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("empty part in resource id: " + resourceId);
            }
        }
        return new ResourceRef(s[1], s[3], s[5], s[6], s[7]);
    }
}
