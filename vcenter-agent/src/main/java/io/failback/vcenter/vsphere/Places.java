package io.failback.vcenter.vsphere;

import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.vmware.vim25.ManagedObjectReference;
import io.failback.messages.AlternateLocation;

/**
 * Finds the places an alternate location names (datacenter, cluster and/or host, resource pool, datastore,
 * folder, network) in one vCenter, and says which are missing: the preflight reports every missing place,
 * CreateVm refuses when any is. Reads only.
 */
final class Places {

    private static final String DATACENTER = "Datacenter";
    private static final String CLUSTER = "ClusterComputeResource";
    private static final String COMPUTE_RESOURCE = "ComputeResource";
    private static final String RESOURCE_POOL = "ResourcePool";
    private static final String SWITCH = "DistributedVirtualSwitch";
    private static final String FOLDER = "Folder";
    private static final String STANDARD_NETWORK = "Network";
    private static final String PORTGROUP = "DistributedVirtualPortgroup";

    /** The network of the new VM's adapter: a standard one by name, a distributed port group by switch and key. */
    record Network(ManagedObjectReference mor, String name, String switchUuid, String portgroupKey) {
    }

    /**
     * What was found; a place not found is null and named in problems. host is null when the location names
     * none (vCenter then picks a host of the cluster); network is null when none is named.
     */
    record Found(ManagedObjectReference folder, ManagedObjectReference pool, ManagedObjectReference host, String datastore,
                 Network network, List<String> problems) {
    }

    private Places() {
    }

    static Found find(VimSession s, AlternateLocation l) throws RemoteException {
        List<String> problems = new ArrayList<>();
        String dcName = l.getDatacenter();
        VimSession.Named dc = first(s.within(s.content().getRootFolder(), DATACENTER, true, "vmFolder", "hostFolder", "datastore",
                "network"), dcName);
        if (dc == null) {
            problems.add("datacenter " + dcName + " not found in the vCenter");
            return new Found(null, null, null, null, null, List.copyOf(problems));
        }
        ManagedObjectReference hostFolder = VimSession.typed(dc.props().get("hostFolder"), FOLDER);
        String inDc = "in datacenter " + dcName;

        // Clusters and standalone hosts alike (a cluster is a compute resource), with their hosts and root pools.
        List<VimSession.Named> computes = s.within(hostFolder, COMPUTE_RESOURCE, true, "host", "resourcePool", "datastore", "network");
        VimSession.Named cluster = null;
        if (l.getCluster() != null) {
            cluster = computes.stream().filter(c -> CLUSTER.equals(c.mor().getType()) && c.name().equals(l.getCluster()))
                    .findFirst().orElse(null);
            if (cluster == null) {
                problems.add("cluster " + l.getCluster() + " not found " + inDc);
            }
        }
        VimSession.Named host = null;
        if (l.getHost() != null) {
            List<ManagedObjectReference> candidates = cluster != null ? VimSession.mors(cluster.props().get("host"))
                    : computes.stream().flatMap(c -> VimSession.mors(c.props().get("host")).stream()).toList();
            host = first(s.names(candidates, "datastore", "network"), l.getHost());
            if (host == null) {
                problems.add("host " + l.getHost() + " not found " + (cluster != null ? "in cluster " + l.getCluster() : inDc));
            }
        }
        // The compute resource whose pools the VM uses: the cluster named, else the named host's own.
        VimSession.Named compute = cluster;
        String computeName = "cluster " + l.getCluster();
        if (l.getCluster() == null && host != null) {
            String hostId = host.mor().getVal();
            compute = computes.stream().filter(c -> VimSession.mors(c.props().get("host")).stream().anyMatch(h -> h.getVal().equals(hostId)))
                    .findFirst().orElse(null);
            computeName = "host " + l.getHost();
        }

        ManagedObjectReference pool = null;
        if (compute != null) {
            ManagedObjectReference root = VimSession.typed(compute.props().get("resourcePool"), RESOURCE_POOL);
            pool = l.getResourcePool() == null ? root : poolAt(s, root, l.getResourcePool());
            if (pool == null) {
                problems.add("resource pool " + l.getResourcePool() + " not found under the root resource pool of " + computeName);
            }
        }

        // Storage and networks as the host (or else the cluster) sees them; the datacenter's when neither was found.
        VimSession.Named seer = host != null ? host : compute != null ? compute : dc;
        String seen = host != null ? "on host " + l.getHost() : compute != null ? "in " + computeName : inDc;
        String datastore = null;
        if (first(s.names(VimSession.mors(seer.props().get("datastore"))), l.getDatastore()) == null) {
            problems.add("datastore " + l.getDatastore() + " not found " + seen);
        } else {
            datastore = l.getDatastore();
        }

        ManagedObjectReference vmFolder = VimSession.typed(dc.props().get("vmFolder"), FOLDER);
        ManagedObjectReference folder = l.getFolder() == null ? vmFolder : folderAt(s, vmFolder, l.getFolder());
        if (folder == null) {
            problems.add("folder " + l.getFolder() + " not found under the VM folder of datacenter " + dcName);
        }

        Network network = null;
        if (l.getNetwork() != null) {
            VimSession.Named net = first(s.names(VimSession.mors(seer.props().get("network"))), l.getNetwork());
            if (net == null) {
                problems.add("network " + l.getNetwork() + " not found " + seen);
            } else if (STANDARD_NETWORK.equals(net.mor().getType())) {
                network = new Network(net.mor(), l.getNetwork(), null, null);
            } else if (PORTGROUP.equals(net.mor().getType())) {
                network = portgroup(s, dc.mor(), net);
                if (network == null) {
                    problems.add("network " + l.getNetwork() + " is a port group of no distributed switch " + inDc);
                }
            } else {
                problems.add("network " + l.getNetwork() + " is a " + net.mor().getType() + ", to which the agent can't connect an adapter");
            }
        }
        return new Found(folder, pool, host == null ? null : host.mor(), datastore, network, List.copyOf(problems));
    }

    /** A distributed port group with the UUID of its switch, which an adapter's backing names. */
    private static Network portgroup(VimSession s, ManagedObjectReference dc, VimSession.Named pg) throws RemoteException {
        Object key = s.read(pg.mor(), "key").get("key");
        for (VimSession.Named dvs : s.within(dc, SWITCH, true, "uuid", "portgroup")) {
            if (key != null && VimSession.mors(dvs.props().get("portgroup")).stream().anyMatch(m -> m.getVal().equals(pg.mor().getVal()))) {
                return new Network(pg.mor(), pg.name(), String.valueOf(dvs.props().get("uuid")), key.toString());
            }
        }
        return null;
    }

    /** The VM of this name directly in the folder, with its failback mark; null when there is none. */
    static TakenName vmInFolder(VimSession s, ManagedObjectReference folder, String name, String markKey) throws RemoteException {
        List<ManagedObjectReference> vms = VimSession.mors(s.read(folder, "childEntity").get("childEntity")).stream()
                .filter(m -> VimSession.VIRTUAL_MACHINE.equals(m.getType())).toList();
        VimSession.Named named = first(s.names(vms), name);
        if (named == null) {
            return null;
        }
        ManagedObjectReference vm = named.mor();
        Map<String, Object> props = s.read(vm, "config.extraConfig", "config.instanceUuid");
        Object uuid = props.get("config.instanceUuid");
        return new TakenName(vm, VimSession.extraConfig(props.get("config.extraConfig"), markKey), uuid == null ? "" : uuid.toString());
    }

    /** A VM holding a name, its mark (null for none) and instance UUID. */
    record TakenName(ManagedObjectReference vm, String mark, String instanceUuid) {
    }

    /** The pool at a path ("Prod/Web") below the root pool; null when a step is missing. */
    private static ManagedObjectReference poolAt(VimSession s, ManagedObjectReference root, String path) throws RemoteException {
        ManagedObjectReference at = root;
        for (String step : steps(path)) {
            VimSession.Named child = first(s.names(VimSession.mors(s.read(at, "resourcePool").get("resourcePool"))), step);
            at = child == null ? null : child.mor();
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** The folder at a path below the VM folder; null when a step is missing. */
    private static ManagedObjectReference folderAt(VimSession s, ManagedObjectReference vmFolder, String path) throws RemoteException {
        ManagedObjectReference at = vmFolder;
        for (String step : steps(path)) {
            VimSession.Named child = first(s.within(at, FOLDER, false), step);
            at = child == null ? null : child.mor();
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    private static List<String> steps(String path) {
        return List.of(path.split("/")).stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    private static VimSession.Named first(List<VimSession.Named> named, String name) {
        return named.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }
}
