package io.failback.vcenter.vsphere;

import java.util.List;

import com.vmware.vim25.ParaVirtualSCSIController;
import com.vmware.vim25.VirtualAHCIController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualDiskFlatVer2BackingInfo;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.OsType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OriginalLayoutTest {

    private static final String BOOT = "[ds1] mt/a_0.vmdk";
    private static final String DATA = "[ds1] mt/a_1.vmdk";

    private static ParaVirtualSCSIController scsi(int key, int bus) {
        ParaVirtualSCSIController c = new ParaVirtualSCSIController();
        c.setKey(key);
        c.setBusNumber(bus);
        c.setScsiCtlrUnitNumber(7);
        return c;
    }

    private static VirtualDisk disk(String file, int controllerKey, int unit) {
        VirtualDiskFlatVer2BackingInfo b = new VirtualDiskFlatVer2BackingInfo();
        b.setFileName(file);
        VirtualDisk d = new VirtualDisk();
        d.setKey(2000 + unit);
        d.setControllerKey(controllerKey);
        d.setUnitNumber(unit);
        d.setBacking(b);
        return d;
    }

    private static DiskPlacement at(String disk, DiskControllerType type, int bus, int unit) {
        return new DiskPlacement(disk, type, bus, unit);
    }

    @Test
    void shouldPlaceEachDiskAtItsUnitAddingAMissingScsiController() {
        List<VirtualDevice> devices = List.of(scsi(1000, 0));

        OriginalLayout.Plan plan = OriginalLayout.plan(devices, List.of(BOOT, DATA),
                List.of(at(BOOT, DiskControllerType.SCSI, 0, 0), at(DATA, DiskControllerType.SCSI, 2, 4)), -100);

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.newControllers()).containsExactly(new OriginalLayout.NewController(-100, 2));
        assertThat(plan.additions()).containsExactly(new OriginalLayout.Addition(BOOT, 1000, 0), new OriginalLayout.Addition(DATA, -100, 4));
    }

    @Test
    void shouldLeaveADiskAlreadyAtItsPlaceAndAddNothing() {
        List<VirtualDevice> devices = List.of(scsi(1000, 0), disk(BOOT, 1000, 0));

        OriginalLayout.Plan plan = OriginalLayout.plan(devices, List.of(BOOT), List.of(at(BOOT, DiskControllerType.SCSI, 0, 0)), -100);

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.additions()).isEmpty();
    }

    @Test
    void shouldNameEveryDiskThatCantGoBackAndWhy() {
        List<VirtualDevice> devices = List.of(scsi(1000, 0), disk("[ds1] a/os.vmdk", 1000, 0), disk(DATA, 1000, 3));
        String unknown = "[ds1] mt/a_2.vmdk";
        String sata = "[ds1] mt/a_3.vmdk";
        String own = "[ds1] mt/a_4.vmdk";

        OriginalLayout.Plan plan = OriginalLayout.plan(devices, List.of(BOOT, DATA, unknown, sata, own),
                List.of(at(BOOT, DiskControllerType.SCSI, 0, 0), at(DATA, DiskControllerType.SCSI, 0, 1),
                        at(sata, DiskControllerType.SATA, 0, 0), at(own, DiskControllerType.SCSI, 0, 7)), -100);

        assertThat(plan.problems()).containsExactly(
                BOOT + ": SCSI 0:0 is taken by [ds1] a/os.vmdk",
                DATA + ": attached at SCSI 0:3, not at its original SCSI 0:1",
                unknown + ": its original place is not known",
                sata + ": the VM has no SATA controller on bus 0",
                own + ": SCSI 0:7 is the SCSI controller's own unit");
    }

    @Test
    void shouldUseAnExistingSataControllerAndRefuseUnitsBeyondItsRange() {
        VirtualAHCIController ahci = new VirtualAHCIController();
        ahci.setKey(15000);
        ahci.setBusNumber(0);

        OriginalLayout.Plan plan = OriginalLayout.plan(List.of(ahci), List.of(BOOT, DATA),
                List.of(at(BOOT, DiskControllerType.SATA, 0, 2), at(DATA, DiskControllerType.SCSI, 0, 16)), -100);

        assertThat(plan.additions()).containsExactly(new OriginalLayout.Addition(BOOT, 15000, 2));
        assertThat(plan.problems()).containsExactly(DATA + ": SCSI 0:16 is beyond the units 0 to 15 of a controller");
    }

    @Test
    void shouldTellTheOsFamilyFromTheGuestId() {
        assertThat(GuestFamily.of("windows9Server64Guest")).isEqualTo(OsType.WINDOWS);
        assertThat(GuestFamily.of("rhel7_64Guest")).isEqualTo(OsType.LINUX);
        assertThat(GuestFamily.of("ubuntu64Guest")).isEqualTo(OsType.LINUX);
        assertThat(GuestFamily.of("otherLinux64Guest")).isEqualTo(OsType.LINUX);
        assertThat(GuestFamily.of("otherGuest64")).isNull();
        assertThat(GuestFamily.of("")).isNull();
    }
}
