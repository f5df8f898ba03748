package io.failback.vcenter;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ResourceAllocationInfo;
import com.vmware.vim25.ResourceConfigSpec;
import com.vmware.vim25.SharesInfo;
import com.vmware.vim25.SharesLevel;
import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.mo.ClusterComputeResource;
import com.vmware.vim25.mo.Datacenter;
import com.vmware.vim25.mo.DistributedVirtualPortgroup;
import com.vmware.vim25.mo.Folder;
import com.vmware.vim25.mo.InventoryNavigator;
import com.vmware.vim25.mo.ManagedEntity;
import com.vmware.vim25.mo.ResourcePool;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.VirtualMachine;
import com.vmware.vim25.mo.util.MorUtil;
import io.failback.sandbox.vcsim.Vcsim;

/**
 * The tests' own view of the simulator, through yavijava's managed-object API and a session of its
 * own: how the agent's changes look to anyone else reading vCenter.
 */
final class Inventory implements AutoCloseable {

    private final ServiceInstance si;

    /**
     * Trusts any certificate: yavijava's trust-all mode (test code only). It also replaces the JVM's
     * default HostnameVerifier with one that accepts every name, which the agent does not rely on.
     */
    Inventory(Vcsim vcsim) throws Exception {
        this.si = new ServiceInstance(new URL(vcsim.url().toString()), vcsim.username(), vcsim.password(), true, 10_000, 10_000);
    }

    ServiceInstance serviceInstance() {
        return si;
    }

    VirtualMachine vm(String name) throws Exception {
        VirtualMachine vm = (VirtualMachine) new InventoryNavigator(si.getRootFolder()).searchManagedEntity("VirtualMachine", name);
        if (vm == null) {
            throw new AssertionError("VM " + name + " not in the simulator");
        }
        return vm;
    }

    /** The VM with this instance UUID; fails the test when there is none. */
    VirtualMachine vmByUuid(String instanceUuid) throws Exception {
        VirtualMachine vm = (VirtualMachine) si.getSearchIndex().findByUuid(null, instanceUuid, true, true);
        if (vm == null) {
            throw new AssertionError("no VM with instance UUID " + instanceUuid + " in the simulator");
        }
        return vm;
    }

    /** Whether a VM with this instance UUID exists. */
    boolean hasVm(String instanceUuid) throws Exception {
        return si.getSearchIndex().findByUuid(null, instanceUuid, true, true) != null;
    }

    /** Each disk of the VM as "file at bus B unit U". */
    static List<String> places(VirtualMachine vm) {
        List<String> places = new ArrayList<>();
        VirtualDevice[] devices = vm.getConfig().getHardware().getDevice();
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualDisk && d.getBacking() instanceof VirtualDeviceFileBackingInfo b) {
                for (VirtualDevice c : devices) {
                    if (c instanceof VirtualController controller && c.getKey() == d.getControllerKey()) {
                        places.add(b.getFileName() + " at bus " + controller.getBusNumber() + " unit " + d.getUnitNumber());
                    }
                }
            }
        }
        return places;
    }

    /** Resource pools at a path ("a/b") below a cluster's root pool, as an administrator would make them. */
    void createResourcePools(String cluster, String path) throws Exception {
        ClusterComputeResource c = (ClusterComputeResource) new InventoryNavigator(si.getRootFolder())
                .searchManagedEntity("ClusterComputeResource", cluster);
        ManagedObjectReference root = (ManagedObjectReference) c.getPropertyByPath("resourcePool");
        root.setType("ResourcePool");
        ResourcePool at = new ResourcePool(si.getServerConnection(), root);
        for (String step : path.split("/")) {
            at = at.createResourcePool(step, unlimited());
        }
    }

    private static ResourceConfigSpec unlimited() {
        ResourceConfigSpec spec = new ResourceConfigSpec();
        spec.setCpuAllocation(unlimitedAllocation());
        spec.setMemoryAllocation(unlimitedAllocation());
        return spec;
    }

    private static ResourceAllocationInfo unlimitedAllocation() {
        ResourceAllocationInfo a = new ResourceAllocationInfo();
        a.setReservation(0L);
        a.setExpandableReservation(true);
        a.setLimit(-1L);
        SharesInfo shares = new SharesInfo();
        shares.setLevel(SharesLevel.normal);
        shares.setShares(4000);
        a.setShares(shares);
        return a;
    }

    /** VM folders at a path ("a/b") below a datacenter's VM folder; the steps that exist are kept. */
    void createVmFolders(String datacenter, String path) throws Exception {
        Datacenter dc = (Datacenter) new InventoryNavigator(si.getRootFolder()).searchManagedEntity("Datacenter", datacenter);
        ManagedObjectReference vmFolder = (ManagedObjectReference) dc.getPropertyByPath("vmFolder");
        vmFolder.setType("Folder");
        Folder at = new Folder(si.getServerConnection(), vmFolder);
        for (String step : path.split("/")) {
            Folder next = null;
            for (ManagedEntity child : at.getChildEntity()) {
                if (child instanceof Folder f && f.getName().equals(step)) {
                    next = f;
                }
            }
            at = next != null ? next : at.createFolder(step);
        }
    }

    /** The key of the distributed port group of this name. */
    String portgroupKey(String name) throws Exception {
        return ((DistributedVirtualPortgroup) new InventoryNavigator(si.getRootFolder())
                .searchManagedEntity("DistributedVirtualPortgroup", name)).getKey();
    }

    /** How many VMs have this name, in any folder. */
    long vmsNamed(String name) throws Exception {
        ManagedEntity[] vms = new InventoryNavigator(si.getRootFolder()).searchManagedEntities("VirtualMachine");
        return vms == null ? 0 : java.util.Arrays.stream(vms).filter(vm -> vm.getName().equals(name)).count();
    }

    /** The name of the object a reference points to (a VM's host, say). */
    String nameOf(ManagedObjectReference mor) {
        return MorUtil.createExactManagedEntity(si.getServerConnection(), mor).getName();
    }

    /**
     * The name of the object a single reference property points to, e.g. a VM's "parent" as a "Folder": yavijava
     * reads such a value with its XML type ("ManagedObjectReference") as the object's type, so it is given here.
     */
    String nameOf(ManagedEntity entity, String property, String type) throws Exception {
        ManagedObjectReference read = (ManagedObjectReference) entity.getPropertyByPath(property);
        ManagedObjectReference mor = new ManagedObjectReference();
        mor.setType(type);
        mor.setVal(read.getVal());
        return nameOf(mor);
    }

    List<String> diskFiles(String vmName) throws Exception {
        List<String> files = new ArrayList<>();
        for (VirtualDevice d : vm(vmName).getConfig().getHardware().getDevice()) {
            if (d instanceof VirtualDisk && d.getBacking() instanceof VirtualDeviceFileBackingInfo b) {
                files.add(b.getFileName());
            }
        }
        return files;
    }

    /** Each disk's file, controller and unit, as one string per disk, to tell "unchanged" from "re-added". */
    List<String> diskPlacement(String vmName) throws Exception {
        List<String> placement = new ArrayList<>();
        for (VirtualDevice d : vm(vmName).getConfig().getHardware().getDevice()) {
            if (d instanceof VirtualDisk && d.getBacking() instanceof VirtualDeviceFileBackingInfo b) {
                placement.add(b.getFileName() + " key=" + d.getKey() + " controller=" + d.getControllerKey() + " unit=" + d.getUnitNumber());
            }
        }
        return placement;
    }

    int scsiControllers(String vmName) throws Exception {
        int n = 0;
        for (VirtualDevice d : vm(vmName).getConfig().getHardware().getDevice()) {
            if (d instanceof VirtualSCSIController) {
                n++;
            }
        }
        return n;
    }

    String powerState(String vmName) throws Exception {
        return vm(vmName).getRuntime().getPowerState().name();
    }

    String toolsUpgradePolicy(String vmName) throws Exception {
        return vm(vmName).getConfig().getTools().getToolsUpgradePolicy();
    }

    /** Ends every session but this one, as an administrator would from the vSphere client. */
    void terminateOtherSessions() throws Exception {
        String own = si.getSessionManager().getCurrentSession().getKey();
        List<String> others = new ArrayList<>();
        for (var session : si.getSessionManager().getSessionList()) {
            if (!session.getKey().equals(own)) {
                others.add(session.getKey());
            }
        }
        if (!others.isEmpty()) {
            si.getSessionManager().terminateSession(others.toArray(new String[0]));
        }
    }

    @Override
    public void close() {
        si.getServerConnection().logout();
    }
}
