package io.failback.vcenter.vsphere;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.vmware.vim25.DistributedVirtualSwitchPortConnection;
import com.vmware.vim25.OptionValue;
import com.vmware.vim25.ParaVirtualSCSIController;
import com.vmware.vim25.VirtualAHCIController;
import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDeviceConfigSpec;
import com.vmware.vim25.VirtualDeviceConnectInfo;
import com.vmware.vim25.VirtualEthernetCardDistributedVirtualPortBackingInfo;
import com.vmware.vim25.VirtualEthernetCardNetworkBackingInfo;
import com.vmware.vim25.VirtualLsiLogicSASController;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachineFileInfo;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.VirtualSCSISharing;
import com.vmware.vim25.VirtualVmxnet3;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.Firmware;
import io.failback.messages.MachineShape;
import io.failback.messages.OsType;
import io.failback.messages.VcenterResultCode;

/**
 * The ConfigSpec of a VM created for an alternate location recovery: the source's shape, the instance UUID and
 * failback mark that make the creation idempotent, the disk controllers the original layout needs (the attach
 * then puts each disk at its unit), and one adapter on the network when one is named. No disks.
 */
final class NewVm {

    /** The extraConfig key of the mark: a VM carrying it was created by the failback named in its value. */
    static final String MARK = "failback.createdFor";

    /** A VM has up to four SCSI and four SATA controllers (buses 0 to 3). */
    private static final int MAX_BUS = 3;
    private static final int FIRST_CONTROLLER_KEY = -100;
    private static final int ADAPTER_KEY = -200;

    /** A controller the new VM gets. */
    record Controller(DiskControllerType type, int busNumber) {
    }

    private NewVm() {
    }

    /**
     * One controller per (type, bus) the layout uses, in layout order; one SCSI controller on bus 0 when the
     * layout is empty. IDE is left out: vCenter gives every new VM its two IDE controllers.
     *
     * @throws VcenterFailure LAYOUT_NOT_KEPT, naming the disk, for a controller the agent can't create
     */
    static List<Controller> controllers(List<DiskPlacement> layout) {
        if (layout.isEmpty()) {
            return List.of(new Controller(DiskControllerType.SCSI, 0));
        }
        Set<Controller> needed = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (DiskPlacement p : layout) {
            String place = OriginalLayout.name(p.getControllerType(), p.getBusNumber(), p.getUnitNumber());
            switch (p.getControllerType()) {
                case SCSI, SATA -> {
                    if (p.getBusNumber() < 0 || p.getBusNumber() > MAX_BUS) {
                        problems.add(p.getDisk() + ": " + place + " is beyond the " + (MAX_BUS + 1) + " buses a VM has");
                    } else {
                        needed.add(new Controller(p.getControllerType(), p.getBusNumber()));
                    }
                }
                // vSphere API 6.0, which the agent speaks, has no NVMe controller to create
                case NVME -> problems.add(p.getDisk() + ": " + place + " needs an NVMe controller, which the agent can't create");
                case IDE -> {
                    // present on every new VM
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new VcenterFailure(VcenterResultCode.LAYOUT_NOT_KEPT, "the VM can't have the disks' original controllers, nothing "
                    + "created: " + String.join("; ", problems));
        }
        return List.copyOf(needed);
    }

    static VirtualMachineConfigSpec spec(String name, MachineShape shape, String instanceUuid, String createdFor, String datastore,
                                         List<Controller> controllers, Places.Network network) {
        VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
        spec.setName(name);
        spec.setGuestId(shape.getGuestId());
        spec.setNumCPUs(shape.getNumCpus());
        spec.setMemoryMB((long) shape.getMemoryMb());
        spec.setFirmware(firmware(shape.getFirmware()));
        spec.setInstanceUuid(instanceUuid);
        VirtualMachineFileInfo files = new VirtualMachineFileInfo();
        files.setVmPathName("[" + datastore + "]");
        spec.setFiles(files);
        OptionValue mark = new OptionValue();
        mark.setKey(MARK);
        mark.setValue(createdFor);
        spec.setExtraConfig(new OptionValue[] {mark});
        boolean windows = GuestFamily.of(shape.getGuestId()) == OsType.WINDOWS;
        List<VirtualDeviceConfigSpec> devices = new ArrayList<>();
        for (int i = 0; i < controllers.size(); i++) {
            devices.add(VcenterOperations.add(controller(controllers.get(i), FIRST_CONTROLLER_KEY - i, windows)));
        }
        if (network != null) {
            devices.add(VcenterOperations.add(adapter(network)));
        }
        spec.setDeviceChange(devices.toArray(new VirtualDeviceConfigSpec[0]));
        return spec;
    }

    /** vSphere's firmware value: "bios" or "efi". */
    static String firmware(Firmware firmware) {
        return (firmware == null ? Firmware.BIOS : firmware).name().toLowerCase(Locale.ROOT);
    }

    /**
     * SCSI: LSI Logic SAS for Windows, whose installer has its driver (a Windows source without the
     * paravirtual driver would not boot from a paravirtual controller); paravirtual for the others. SATA: AHCI.
     */
    private static VirtualController controller(Controller c, int key, boolean windows) {
        VirtualController controller;
        if (c.type() == DiskControllerType.SATA) {
            controller = new VirtualAHCIController();
        } else {
            VirtualSCSIController scsi = windows ? new VirtualLsiLogicSASController() : new ParaVirtualSCSIController();
            scsi.setSharedBus(VirtualSCSISharing.noSharing);
            controller = scsi;
        }
        controller.setKey(key);
        controller.setBusNumber(c.busNumber());
        return controller;
    }

    private static VirtualVmxnet3 adapter(Places.Network network) {
        VirtualVmxnet3 nic = new VirtualVmxnet3();
        nic.setKey(ADAPTER_KEY);
        nic.setAddressType("generated");
        if (network.portgroupKey() != null) {
            DistributedVirtualSwitchPortConnection port = new DistributedVirtualSwitchPortConnection();
            port.setSwitchUuid(network.switchUuid());
            port.setPortgroupKey(network.portgroupKey());
            VirtualEthernetCardDistributedVirtualPortBackingInfo backing = new VirtualEthernetCardDistributedVirtualPortBackingInfo();
            backing.setPort(port);
            nic.setBacking(backing);
        } else {
            VirtualEthernetCardNetworkBackingInfo backing = new VirtualEthernetCardNetworkBackingInfo();
            backing.setDeviceName(network.name());
            backing.setNetwork(network.mor());
            nic.setBacking(backing);
        }
        VirtualDeviceConnectInfo connect = new VirtualDeviceConnectInfo();
        connect.setStartConnected(true);
        connect.setAllowGuestControl(true);
        connect.setConnected(false);
        nic.setConnectable(connect);
        return nic;
    }
}
