package io.failback.ctl.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AlternateLocation;
import io.failback.messages.VmAlternateLocation;

/**
 * submit's {@code --alternate-location VM:key=value,...} (issue 12 item 4): fail VM back to a new VM created there,
 * for example {@code web01:datacenter=DC0,cluster=DC0_C0,datastore=LocalDS_0,name=web01-recovered}. Keys: datacenter,
 * cluster, host, pool, datastore, folder, network, name; datacenter, datastore, name and a cluster or a host are needed.
 */
final class AlternateLocationOption {

    static final String FORMAT = "VM:datacenter=DC,cluster=CLUSTER|host=HOST,datastore=DS,name=NEW_VM_NAME"
            + "[,pool=POOL][,folder=FOLDER][,network=NETWORK]";
    private static final List<String> KEYS = List.of("datacenter", "cluster", "host", "pool", "datastore", "folder", "network", "name");

    private AlternateLocationOption() {
    }

    /** One option's value as the VM and its location; a {@link picocli.CommandLine.ParameterException}-worthy message otherwise. */
    static VmAlternateLocation parse(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--alternate-location needs " + FORMAT + " (got '" + value + "')");
        }
        String vm = value.substring(0, colon).trim();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.substring(colon + 1).split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("--alternate-location for " + vm + ": '" + pair.trim() + "' is not one of "
                        + String.join("=, ", KEYS) + "= (format: " + FORMAT + ")");
            }
            String v = pair.substring(eq + 1).trim();
            if (v.isEmpty() || fields.put(key, v) != null) {
                throw new IllegalArgumentException("--alternate-location for " + vm + ": " + key + " is empty or given twice");
            }
        }
        for (String needed : List.of("datacenter", "datastore", "name")) {
            if (!fields.containsKey(needed)) {
                throw new IllegalArgumentException("--alternate-location for " + vm + " needs " + needed + "= (format: " + FORMAT + ")");
            }
        }
        if (!fields.containsKey("cluster") && !fields.containsKey("host")) {
            throw new IllegalArgumentException("--alternate-location for " + vm + " needs cluster= or host=");
        }
        return new VmAlternateLocation(vm, AlternateLocation.newBuilder().setDatacenter(fields.get("datacenter"))
                .setCluster(fields.get("cluster")).setHost(fields.get("host")).setResourcePool(fields.get("pool"))
                .setDatastore(fields.get("datastore")).setFolder(fields.get("folder")).setNetwork(fields.get("network"))
                .setVmName(fields.get("name")).build());
    }
}
