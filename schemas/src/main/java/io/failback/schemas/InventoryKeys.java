package io.failback.schemas;

/**
 * Keys of the compacted inventory and recovery-point topics. Plan members sort right after their
 * plan, so a prefix scan over {@code plan/{planId}/vm/} lists a plan without a record that grows with it.
 */
public final class InventoryKeys {

    private InventoryKeys() {
    }

    public static String item(String vmId) {
        return "item/" + vmId;
    }

    public static String plan(String planId) {
        return "plan/" + planId;
    }

    public static String planMembersPrefix(String planId) {
        return "plan/" + planId + "/vm/";
    }

    public static String planMember(String planId, String vmId) {
        return planMembersPrefix(planId) + vmId;
    }

    public static String configServer(String configServerId) {
        return "config-server/" + configServerId;
    }

    public static String agent(String vmId) {
        return "agent/" + vmId;
    }

    public static String recoveryPointsPrefix(String vmId) {
        return vmId + "/";
    }

    public static String recoveryPoint(String vmId, String pointId) {
        return recoveryPointsPrefix(vmId) + pointId;
    }
}
