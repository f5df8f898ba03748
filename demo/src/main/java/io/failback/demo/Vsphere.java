package io.failback.demo;

import java.net.URI;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualDiskFlatVer2BackingInfo;
import com.vmware.vim25.mo.Folder;
import com.vmware.vim25.mo.InventoryNavigator;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.VirtualMachine;
import com.vmware.vim25.ws.CustomSSLTrustContextCreator;

/**
 * Reads the simulated vCenter through the vSphere API (yavijava), independently of the vcenter-agent:
 * which disk files a VM has, its power state and VMware Tools policy, and the snapshots of a master
 * target.
 */
public final class Vsphere {

    private final URI url;
    private final String username;
    private final String password;
    private final KeyStore trust;

    public Vsphere(URI url, String username, String password, KeyStore trust) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.trust = trust;
    }

    /** What a VM looks like to an administrator. */
    /** @param diskPlaces each disk as "file at SCSI bus:unit" (the controller's type and bus, the disk's unit) */
    public record VmFacts(String name, String powerState, List<String> diskFiles, String toolsUpgradePolicy, int snapshots,
                          List<String> diskPlaces) {
    }

    public VmFacts vm(String name) {
        return withSession(si -> {
            VirtualMachine vm = find(si, name);
            List<String> files = new ArrayList<>();
            List<String> places = new ArrayList<>();
            for (VirtualDevice d : devices(vm)) {
                if (d instanceof VirtualDisk disk && disk.getBacking() instanceof VirtualDiskFlatVer2BackingInfo b) {
                    files.add(b.getFileName());
                    for (VirtualDevice c : devices(vm)) {
                        if (c instanceof com.vmware.vim25.VirtualSCSIController scsi && c.getKey() == disk.getControllerKey()) {
                            places.add(b.getFileName() + " at SCSI " + scsi.getBusNumber() + ":" + disk.getUnitNumber());
                        }
                    }
                }
            }
            String policy = vm.getConfig().getTools() == null ? null : vm.getConfig().getTools().getToolsUpgradePolicy();
            int snapshots = vm.getSnapshot() == null || vm.getSnapshot().getRootSnapshotList() == null ? 0
                    : count(vm.getSnapshot().getRootSnapshotList());
            return new VmFacts(name, String.valueOf(vm.getRuntime().getPowerState()), files, policy, snapshots, places);
        });
    }

    /** Whether a VM of that name exists in the simulator. */
    public boolean exists(String name) {
        return withSession(si -> new InventoryNavigator(si.getRootFolder()).searchManagedEntity("VirtualMachine", name) != null);
    }

    /** Deletes the VM from vCenter (Destroy_Task), as an administrator would; its disks go with it. */
    public void destroy(String name) {
        withSession(si -> {
            com.vmware.vim25.mo.Task task = find(si, name).destroy_Task();
            String state = task.waitForTask();
            if (!com.vmware.vim25.mo.Task.SUCCESS.equals(state)) {
                throw new IllegalStateException("deleting VM " + name + " ended " + state);
            }
            return null;
        });
    }

    private static VirtualDevice[] devices(VirtualMachine vm) {
        VirtualDevice[] devices = vm.getConfig().getHardware().getDevice();
        return devices == null ? new VirtualDevice[0] : devices;
    }

    private static int count(com.vmware.vim25.VirtualMachineSnapshotTree[] trees) {
        int n = 0;
        for (var t : trees) {
            n += 1 + (t.getChildSnapshotList() == null ? 0 : count(t.getChildSnapshotList()));
        }
        return n;
    }

    private static VirtualMachine find(ServiceInstance si, String name) throws Exception {
        Folder root = si.getRootFolder();
        VirtualMachine vm = (VirtualMachine) new InventoryNavigator(root).searchManagedEntity("VirtualMachine", name);
        if (vm == null) {
            throw new IllegalArgumentException("no VM named " + name + " in the simulator");
        }
        return vm;
    }

    private interface Call<T> {
        T run(ServiceInstance si) throws Exception;
    }

    private <T> T withSession(Call<T> call) {
        ServiceInstance si = null;
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            TrustManager trustManager = factory.getTrustManagers()[0];
            synchronized (CustomSSLTrustContextCreator.class) {
                // yavijava keeps the first trust manager's SSL context for the whole JVM; a later sandbox's simulator has
                // a certificate of its own, so the context is made afresh for this session's trust
                CustomSSLTrustContextCreator.setContextAlreadyCreated(false);
                si = new ServiceInstance(url.toURL(), username, password, trustManager);
            }
            return call.run(si);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("vSphere API call to " + url + " failed: " + e, e);
        } finally {
            if (si != null) {
                si.getServerConnection().logout();
            }
        }
    }
}
