package io.failback.vcenter;

import java.util.List;

import com.vmware.vim25.mo.VirtualMachine;
import io.failback.messages.AttachDisks;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OnPremisesVmToCheck;
import io.failback.messages.OsType;
import io.failback.messages.PowerOffVm;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-premises side of issue 12 against the vCenter simulator: the preflight finds the on-premises VM by
 * its instance UUID among VMs of the same name, and the attach puts each replica disk back at its original
 * controller and unit, or refuses without changing anything.
 */
class OnPremisesVmIT {

    private static final String VC = SimulatedVcenter.VC;
    private static final String EAST_UUID = "50112233-4455-6677-8899-aabbccddee01";
    private static final String WEST_UUID = "50112233-4455-6677-8899-aabbccddee02";
    private static final String BUSY_UUID = "50112233-4455-6677-8899-aabbccddee03";
    private static final String APP_EAST_UUID = "50112233-4455-6677-8899-aabbccddee04";
    private static final String APP_WEST_UUID = "50112233-4455-6677-8899-aabbccddee05";
    private static final String BOOT = "[LocalDS_0] mt-lin/web01_0.vmdk";
    private static final String DATA = "[LocalDS_0] mt-lin/web01_1.vmdk";
    private static final String BUSY_BOOT = "[LocalDS_0] mt-lin/busy01_0.vmdk";

    @RegisterExtension
    static final SimulatedVcenter vcenter = SimulatedVcenter.of(b -> b.trace().seedJson("""
            {"masterTargets": [
               {"name": "mt-lin", "guestId": "rhel7_64Guest", "powerState": "poweredOn", "disks": ["%s", "%s", "%s"]}],
             "vms": [
               {"name": "web01", "folder": "east", "instanceUuid": "%s", "guestId": "rhel7_64Guest", "powerState": "poweredOff"},
               {"name": "web01", "folder": "west", "instanceUuid": "%s", "guestId": "rhel7_64Guest", "powerState": "poweredOn"},
               {"name": "app01", "folder": "east", "instanceUuid": "%s", "powerState": "poweredOff"},
               {"name": "app01", "folder": "west", "instanceUuid": "%s", "powerState": "poweredOn"},
               {"name": "busy01", "instanceUuid": "%s", "guestId": "rhel7_64Guest", "powerState": "poweredOff",
                "disks": ["[LocalDS_0] busy01/own.vmdk"]}]}
            """.formatted(BOOT, DATA, BUSY_BOOT, EAST_UUID, WEST_UUID, APP_EAST_UUID, APP_WEST_UUID, BUSY_UUID)));
    static SimulatedVcenter.Agent agent;

    @BeforeAll
    static void start() {
        agent = vcenter.get();
    }

    private static List<DiskPlacement> originalLayout() {
        return List.of(new DiskPlacement(BOOT, DiskControllerType.SCSI, 0, 0), new DiskPlacement(DATA, DiskControllerType.SCSI, 1, 3));
    }

    private static MasterTargetInspected inspect(String uuid, OsType os, List<String> disks, List<DiskPlacement> layout) {
        VcenterResult result = agent.handle(Commands.command("vm-web01",
                new InspectMasterTarget(VC, "mt-lin", disks, new OnPremisesVmToCheck("web01", uuid, os, layout), null)));
        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        return (MasterTargetInspected) result.getOutcome();
    }

    @Test
    void shouldFindTheOnPremisesVmByInstanceUuidAmongVmsOfTheSameNameInOtherFolders() {
        // given two VMs named web01, in folders east (powered off) and west (powered on)

        // when the preflight asks about each by its instance UUID
        OnPremisesVmInspected east = inspect(EAST_UUID, OsType.LINUX, List.of(BOOT, DATA), originalLayout()).getOnPremisesVm();
        OnPremisesVmInspected west = inspect(WEST_UUID, OsType.LINUX, List.of(BOOT, DATA), originalLayout()).getOnPremisesVm();
        OnPremisesVmInspected gone = inspect("50112233-0000-0000-0000-000000000000", OsType.LINUX, List.of(BOOT, DATA),
                originalLayout()).getOnPremisesVm();

        // then each answer is about that VM, and a UUID no VM has is not found
        assertThat(east.getExists()).isTrue();
        assertThat(east.getName()).isEqualTo("web01");
        assertThat(east.getPoweredOff()).isTrue();
        assertThat(east.getLayoutProblems()).isEmpty();
        assertThat(west.getExists()).isTrue();
        assertThat(west.getPoweredOff()).isFalse();
        assertThat(gone.getExists()).isFalse();
    }

    @Test
    void shouldPowerOffOnlyTheVmWithTheInstanceUuid() throws Exception {
        // given the west app01 is on and the east one off
        VcenterResult byName = agent.handle(Commands.powerOff(VC, "app01"));

        // when the west one is powered off by its UUID, the name shared with the east one
        VcenterResult result = agent.handle(Commands.command("vm-app01", new PowerOffVm(VC, "app01", APP_WEST_UUID)));

        // then it is off; by the name alone the agent refused to pick one
        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        assertThat(byUuid(APP_WEST_UUID).getRuntime().getPowerState().name()).isEqualTo("poweredOff");
        assertThat(byName.getCode()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(byName.getMessage()).contains("2 VMs are named app01");
    }

    @Test
    void shouldReportTheMasterTargetsOsFamily() {
        MasterTargetInspected inspected = inspect(EAST_UUID, OsType.WINDOWS, List.of(BOOT, DATA), originalLayout());

        assertThat(inspected.getMasterTargetOsFamily()).isEqualTo(OsType.LINUX);
        assertThat(inspected.getMasterTargetGuestId()).isEqualTo("rhel7_64Guest");
    }

    @Test
    void shouldAttachEveryDiskAtItsOriginalControllerAndUnitAndAgainWithoutChange() throws Exception {
        // given the replica disks are detached from the master target
        assertThat(agent.handle(Commands.detach(VC, "mt-lin", List.of(BOOT, DATA))).getCode()).isEqualTo(VcenterResultCode.OK);

        // when they are attached to the east web01 with their original layout (the data disk on a second SCSI bus)
        VcenterCommand attach = Commands.command("vm-web01", new AttachDisks(VC, "web01", List.of(BOOT, DATA), EAST_UUID, originalLayout()));
        VcenterResult result = agent.handle(attach);

        // then each disk is where it was, on that VM only, and a repeat changes nothing
        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        assertThat(places(byUuid(EAST_UUID))).containsExactlyInAnyOrder(BOOT + " at bus 0 unit 0", DATA + " at bus 1 unit 3");
        assertThat(places(byUuid(WEST_UUID))).isEmpty();
        int reconfigs = agent.vcsim().calls("ReconfigVM_Task");
        VcenterResult again = agent.handle(Commands.command("vm-web01", attach.getOperation()));
        assertThat(again.getCode()).as(again.getMessage()).isEqualTo(VcenterResultCode.OK);
        assertThat(agent.vcsim().calls("ReconfigVM_Task")).isEqualTo(reconfigs);
    }

    @Test
    void shouldRefuseALayoutThatCantBeKeptAndChangeNothing() throws Exception {
        // given busy01 has a disk of its own at SCSI 0:0, where its replica boot disk was
        List<DiskPlacement> layout = List.of(new DiskPlacement(BUSY_BOOT, DiskControllerType.SCSI, 0, 0));
        OnPremisesVmInspected preflight = inspect(BUSY_UUID, OsType.LINUX, List.of(BUSY_BOOT), layout).getOnPremisesVm();
        assertThat(agent.handle(Commands.detach(VC, "mt-lin", List.of(BUSY_BOOT))).getCode()).isEqualTo(VcenterResultCode.OK);
        List<String> before = places(byUuid(BUSY_UUID));
        int reconfigs = agent.vcsim().calls("ReconfigVM_Task");

        // when the attach is asked to put the boot disk back at SCSI 0:0
        VcenterResult result = agent.handle(Commands.command("vm-busy01",
                new AttachDisks(VC, "busy01", List.of(BUSY_BOOT), BUSY_UUID, layout)));

        // then the preflight had named the problem, the attach refuses with a named code, and nothing changed
        assertThat(preflight.getLayoutProblems()).singleElement().asString()
                .contains(BUSY_BOOT).contains("SCSI 0:0 is taken by [LocalDS_0] busy01/own.vmdk");
        assertThat(result.getCode()).isEqualTo(VcenterResultCode.LAYOUT_NOT_KEPT);
        assertThat(result.getMessage()).contains("nothing changed").contains("SCSI 0:0 is taken");
        assertThat(agent.vcsim().calls("ReconfigVM_Task")).isEqualTo(reconfigs);
        assertThat(places(byUuid(BUSY_UUID))).isEqualTo(before);
    }

    private static VirtualMachine byUuid(String uuid) throws Exception {
        return agent.inventory().vmByUuid(uuid);
    }

    private static List<String> places(VirtualMachine vm) {
        return Inventory.places(vm);
    }
}
