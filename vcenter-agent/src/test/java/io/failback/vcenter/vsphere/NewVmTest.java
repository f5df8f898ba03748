package io.failback.vcenter.vsphere;

import java.util.List;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ParaVirtualSCSIController;
import com.vmware.vim25.VirtualAHCIController;
import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceConfigSpec;
import com.vmware.vim25.VirtualEthernetCardDistributedVirtualPortBackingInfo;
import com.vmware.vim25.VirtualLsiLogicSASController;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualVmxnet3;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.Firmware;
import io.failback.messages.MachineShape;
import io.failback.messages.VcenterResultCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The new VM's ConfigSpec: the controllers a layout needs, the shape, the mark and the adapter. */
class NewVmTest {

    private static final String UUID = "50aa0000-0000-0000-0000-000000000001";

    private static DiskPlacement at(String disk, DiskControllerType type, int bus, int unit) {
        return new DiskPlacement("[ds] vm/" + disk + ".vmdk", type, bus, unit);
    }

    @Test
    void shouldGiveOneControllerPerBusTheLayoutUsesAndNoneForIde() {
        List<NewVm.Controller> controllers = NewVm.controllers(List.of(at("a", DiskControllerType.SCSI, 0, 0),
                at("b", DiskControllerType.SCSI, 0, 1), at("c", DiskControllerType.SCSI, 1, 0), at("d", DiskControllerType.SATA, 0, 2),
                at("e", DiskControllerType.IDE, 0, 0)));

        assertThat(controllers).containsExactly(new NewVm.Controller(DiskControllerType.SCSI, 0),
                new NewVm.Controller(DiskControllerType.SCSI, 1), new NewVm.Controller(DiskControllerType.SATA, 0));
    }

    @Test
    void shouldGiveOneScsiControllerForAnEmptyLayout() {
        assertThat(NewVm.controllers(List.of())).containsExactly(new NewVm.Controller(DiskControllerType.SCSI, 0));
    }

    @Test
    void shouldRefuseALayoutWithAnNvmeDiskOrABusBeyondTheFourthNamingTheDisks() {
        VcenterFailure failure = catchThrowableOfType(VcenterFailure.class, () -> NewVm.controllers(List.of(
                at("boot", DiskControllerType.NVME, 0, 0), at("data", DiskControllerType.SCSI, 4, 0))));

        assertThat(failure.code()).isEqualTo(VcenterResultCode.LAYOUT_NOT_KEPT);
        assertThat(failure.getMessage()).contains("[ds] vm/boot.vmdk: NVME 0:0 needs an NVMe controller")
                .contains("[ds] vm/data.vmdk: SCSI 4:0 is beyond the 4 buses").contains("nothing created");
    }

    @Test
    void shouldCarryTheShapeTheInstanceUuidAndTheMark() {
        VirtualMachineConfigSpec spec = NewVm.spec("app01", new MachineShape(4, 8192, Firmware.EFI, "rhel7_64Guest"), UUID, "job-1",
                "LocalDS_0", NewVm.controllers(List.of()), null);

        assertThat(spec.getName()).isEqualTo("app01");
        assertThat(spec.getNumCPUs()).isEqualTo(4);
        assertThat(spec.getMemoryMB()).isEqualTo(8192L);
        assertThat(spec.getFirmware()).isEqualTo("efi");
        assertThat(spec.getGuestId()).isEqualTo("rhel7_64Guest");
        assertThat(spec.getInstanceUuid()).isEqualTo(UUID);
        assertThat(spec.getFiles().getVmPathName()).isEqualTo("[LocalDS_0]");
        assertThat(spec.getExtraConfig()).singleElement().satisfies(o -> {
            assertThat(o.getKey()).isEqualTo(NewVm.MARK);
            assertThat(o.getValue()).isEqualTo("job-1");
        });
        assertThat(devices(spec)).singleElement().isInstanceOf(ParaVirtualSCSIController.class);
    }

    @Test
    void shouldGiveAWindowsGuestLsiLogicSasAndSataAnAhciController() {
        VirtualMachineConfigSpec spec = NewVm.spec("win01", new MachineShape(2, 4096, Firmware.BIOS, "windows9Server64Guest"), UUID,
                "job-1", "LocalDS_0", NewVm.controllers(List.of(at("a", DiskControllerType.SCSI, 0, 0),
                        at("b", DiskControllerType.SATA, 1, 0))), null);

        assertThat(spec.getFirmware()).isEqualTo("bios");
        assertThat(devices(spec)).hasSize(2);
        assertThat(devices(spec).get(0)).isInstanceOf(VirtualLsiLogicSASController.class);
        assertThat(devices(spec).get(1)).isInstanceOf(VirtualAHCIController.class);
        assertThat(((VirtualController) devices(spec).get(1)).getBusNumber()).isEqualTo(1);
        assertThat(devices(spec).stream().map(VirtualDevice::getKey).distinct()).hasSize(2);
    }

    @Test
    void shouldConnectOneVmxnet3AdapterToADistributedPortGroupBySwitchAndKey() {
        ManagedObjectReference pg = VimSession.mor("DistributedVirtualPortgroup", "dvportgroup-1");
        VirtualMachineConfigSpec spec = NewVm.spec("app01", new MachineShape(1, 1024, Firmware.BIOS, "rhel7_64Guest"), UUID, "job-1",
                "LocalDS_0", NewVm.controllers(List.of()), new Places.Network(pg, "Prod", "dvs-uuid-1", "dvportgroup-1"));

        VirtualDevice adapter = devices(spec).get(1);
        assertThat(adapter).isInstanceOf(VirtualVmxnet3.class);
        assertThat(adapter.getConnectable().isStartConnected()).isTrue();
        VirtualEthernetCardDistributedVirtualPortBackingInfo backing = (VirtualEthernetCardDistributedVirtualPortBackingInfo) adapter.getBacking();
        assertThat(backing.getPort().getSwitchUuid()).isEqualTo("dvs-uuid-1");
        assertThat(backing.getPort().getPortgroupKey()).isEqualTo("dvportgroup-1");
    }

    private static List<VirtualDevice> devices(VirtualMachineConfigSpec spec) {
        return List.of(spec.getDeviceChange()).stream().map(VirtualDeviceConfigSpec::getDevice).toList();
    }
}
