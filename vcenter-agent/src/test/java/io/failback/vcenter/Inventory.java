package io.failback.vcenter;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.mo.InventoryNavigator;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.mo.VirtualMachine;
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
