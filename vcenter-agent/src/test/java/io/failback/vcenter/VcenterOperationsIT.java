package io.failback.vcenter;

import java.util.ArrayList;
import java.util.List;

import io.failback.messages.ConnectionChecked;
import io.failback.messages.DisksChanged;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.PowerState;
import io.failback.messages.ToolsEnabled;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every vCenter step against the simulator over verified TLS, each effect read back through the
 * vSphere API by a session of the test's own, and each step repeated: the repeat answers OK and the
 * simulator sees no second change (no further ReconfigVM_Task or power task arrives).
 */
class VcenterOperationsIT {

    private static final String VC = SimulatedVcenter.VC;
    private static final String MT_WEB_1 = "[LocalDS_0] mt01/web01_1.vmdk";
    private static final String MT_WEB_2 = "[LocalDS_0] mt01/web01_2.vmdk";
    private static final String MT_APP = "[LocalDS_0] mt01/app01_1.vmdk";
    private static final String MT_DB = "[LocalDS_0] mt01/db01_1.vmdk";
    private static final String MT_FULL = "[LocalDS_0] mt01/full01_1.vmdk";
    private static final String MT_EXTRA = "[LocalDS_0] mt02/extra.vmdk";

    @RegisterExtension
    static final SimulatedVcenter vcenter = SimulatedVcenter.of(b -> b.trace().seedJson(seed()));
    static SimulatedVcenter.Agent agent;

    @BeforeAll
    static void start() {
        agent = vcenter.get();
    }

    static String seed() {
        StringBuilder full = new StringBuilder();
        for (int i = 1; i <= 15; i++) {
            full.append(i == 1 ? "" : ",").append("\"[LocalDS_0] full01/d").append(i).append(".vmdk\"");
        }
        return """
                {"masterTargets": [
                   {"name": "mt01", "guestId": "rhel7_64Guest", "powerState": "poweredOn",
                    "disks": ["%s", "%s", "%s", "%s", "%s"]},
                   {"name": "mt02", "guestId": "rhel7_64Guest", "powerState": "poweredOn", "snapshots": 2,
                    "disks": ["%s"]}],
                 "vms": [
                   {"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn",
                    "disks": ["[LocalDS_0] web01/system.vmdk"]},
                   {"name": "app01", "guestId": "windows8Server64Guest", "powerState": "poweredOff"},
                   {"name": "db01", "guestId": "rhel7_64Guest", "powerState": "poweredOff", "scsiControllers": 0},
                   {"name": "full01", "guestId": "rhel7_64Guest", "powerState": "poweredOff", "disks": [%s]},
                   {"name": "sus01", "guestId": "rhel7_64Guest", "powerState": "suspended"}]}
                """.formatted(MT_WEB_1, MT_WEB_2, MT_APP, MT_DB, MT_FULL, MT_EXTRA, full);
    }

    private static VcenterResult run(VcenterCommand command) {
        VcenterResult result = agent.handle(command);
        assertThat(result.getCommandId()).isEqualTo(command.getCommandId());
        assertThat(result.getJobId()).isEqualTo(command.getJobId());
        assertThat(result.getVmId()).isEqualTo(command.getVmId());
        return result;
    }

    private static VcenterResult ok(VcenterCommand command) {
        VcenterResult result = run(command);
        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        assertThat(result.getMessage()).isEmpty();
        return result;
    }

    /** Runs the command again with new ids and checks that vCenter saw no change. */
    private static VcenterResult repeatedWithoutChange(VcenterCommand original, String vm) throws Exception {
        int reconfigs = agent.vcsim().calls("ReconfigVM_Task");
        int powerOns = agent.vcsim().calls("PowerOnVM_Task");
        int powerOffs = agent.vcsim().calls("PowerOffVM_Task");
        List<String> placement = agent.inventory().diskPlacement(vm);
        VcenterResult again = ok(Commands.command(original.getVmId(), original.getOperation()));
        assertThat(agent.vcsim().calls("ReconfigVM_Task")).isEqualTo(reconfigs);
        assertThat(agent.vcsim().calls("PowerOnVM_Task")).isEqualTo(powerOns);
        assertThat(agent.vcsim().calls("PowerOffVM_Task")).isEqualTo(powerOffs);
        assertThat(agent.inventory().diskPlacement(vm)).isEqualTo(placement);
        return again;
    }

    @Test
    void shouldReportConnectionAndVersion() {
        VcenterResult result = ok(Commands.checkConnection(VC));

        ConnectionChecked checked = (ConnectionChecked) result.getOutcome();
        assertThat(checked.getConnected()).isTrue();
        assertThat(checked.getVersion()).startsWith("6.0.0").contains("API 6.0");
    }

    @Test
    void shouldInspectMasterTargetSnapshotsAndReplicaDisks() {
        VcenterResult result = ok(Commands.inspect(VC, "mt02", List.of(MT_EXTRA, "[LocalDS_0] mt02/not-there.vmdk")));

        MasterTargetInspected inspected = (MasterTargetInspected) result.getOutcome();
        assertThat(inspected.getExists()).isTrue();
        assertThat(inspected.getSnapshotCount()).isEqualTo(2);
        assertThat(inspected.getAttachedReplicaDisks()).containsExactly(MT_EXTRA);
    }

    @Test
    void shouldAnswerThatAnUnknownMasterTargetDoesNotExist() {
        MasterTargetInspected inspected = (MasterTargetInspected) ok(Commands.inspect(VC, "mt99", List.of(MT_EXTRA))).getOutcome();

        assertThat(inspected.getExists()).isFalse();
        assertThat(inspected.getAttachedReplicaDisks()).isEmpty();
    }

    @Test
    void shouldFailBackAWindowsVmStepByStepAndAnswerEachRepeatWithoutASecondChange() throws Exception {
        List<String> replicas = List.of(MT_WEB_1, MT_WEB_2);

        // power off the on-premises VM
        VcenterCommand off = Commands.powerOff(VC, "web01");
        assertThat(((VmPowerState) ok(off).getOutcome()).getPowerState()).isEqualTo(PowerState.POWERED_OFF);
        assertThat(agent.inventory().powerState("web01")).isEqualTo("poweredOff");
        repeatedWithoutChange(off, "web01");

        // detach the replica disks from the master target, keeping the files
        VcenterCommand detach = Commands.detach(VC, "mt01", replicas);
        assertThat(((DisksChanged) ok(detach).getOutcome()).getDisks()).containsExactlyElementsOf(replicas);
        assertThat(agent.inventory().diskFiles("mt01")).doesNotContainAnyElementsOf(replicas).contains(MT_APP);
        repeatedWithoutChange(detach, "mt01");

        // attach them to the on-premises VM (the files must still exist for this to work)
        VcenterCommand attach = Commands.attach(VC, "web01", replicas);
        assertThat(((DisksChanged) ok(attach).getOutcome()).getDisks()).containsExactlyElementsOf(replicas);
        assertThat(agent.inventory().diskFiles("web01")).containsExactly("[LocalDS_0] web01/system.vmdk", MT_WEB_1, MT_WEB_2);
        assertThat(agent.inventory().diskFiles("mt01")).doesNotContainAnyElementsOf(replicas);
        assertThat(agent.inventory().scsiControllers("web01")).isEqualTo(1);
        repeatedWithoutChange(attach, "web01");

        // re-enable VMware Tools (Windows)
        assertThat(agent.inventory().toolsUpgradePolicy("web01")).isEqualTo("manual");
        VcenterCommand tools = Commands.enableTools(VC, "web01");
        assertThat(((ToolsEnabled) ok(tools).getOutcome()).getMechanism()).isEqualTo(VcenterOperations.TOOLS_MECHANISM);
        assertThat(agent.inventory().toolsUpgradePolicy("web01")).isEqualTo("upgradeAtPowerCycle");
        repeatedWithoutChange(tools, "web01");

        // power it on
        VcenterCommand on = Commands.powerOn(VC, "web01");
        assertThat(((VmPowerState) ok(on).getOutcome()).getPowerState()).isEqualTo(PowerState.POWERED_ON);
        assertThat(agent.inventory().powerState("web01")).isEqualTo("poweredOn");
        repeatedWithoutChange(on, "web01");
    }

    @Test
    void shouldRefuseADiskAttachedToAnotherVmAndTakeNothing() throws Exception {
        List<String> appBefore = agent.inventory().diskPlacement("app01");
        int reconfigs = agent.vcsim().calls("ReconfigVM_Task");

        VcenterResult result = run(Commands.attach(VC, "app01", List.of(MT_APP)));

        assertThat(result.getCode()).isEqualTo(VcenterResultCode.DISK_ATTACHED_ELSEWHERE);
        assertThat(result.getMessage()).contains(MT_APP).contains("mt01");
        assertThat(agent.vcsim().calls("ReconfigVM_Task")).isEqualTo(reconfigs);
        assertThat(agent.inventory().diskPlacement("app01")).isEqualTo(appBefore);
        assertThat(agent.inventory().diskFiles("mt01")).contains(MT_APP);
    }

    @Test
    void shouldAddAScsiControllerToAVmThatHasNone() throws Exception {
        ok(Commands.detach(VC, "mt01", List.of(MT_DB)));
        assertThat(agent.inventory().scsiControllers("db01")).isZero();

        ok(Commands.attach(VC, "db01", List.of(MT_DB)));

        assertThat(agent.inventory().scsiControllers("db01")).isEqualTo(1);
        assertThat(agent.inventory().diskFiles("db01")).containsExactly(MT_DB);
    }

    @Test
    void shouldAddAScsiControllerWhenEveryUnitIsTaken() throws Exception {
        ok(Commands.detach(VC, "mt01", List.of(MT_FULL)));
        assertThat(agent.inventory().diskFiles("full01")).hasSize(15);

        ok(Commands.attach(VC, "full01", List.of(MT_FULL)));

        assertThat(agent.inventory().scsiControllers("full01")).isEqualTo(2);
        assertThat(agent.inventory().diskFiles("full01")).hasSize(16).contains(MT_FULL);
    }

    @Test
    void shouldPowerOnASuspendedVm() throws Exception {
        VmPowerState state = (VmPowerState) ok(Commands.powerOn(VC, "sus01")).getOutcome();

        assertThat(state.getPowerState()).isEqualTo(PowerState.POWERED_ON);
        assertThat(agent.inventory().powerState("sus01")).isEqualTo("poweredOn");
    }

    @Test
    void shouldAnswerNotFoundForAnUnknownVmOrDiskFile() {
        List<VcenterResult> results = new ArrayList<>();
        results.add(run(Commands.powerOff(VC, "ghost01")));
        results.add(run(Commands.attach(VC, "app01", List.of("[LocalDS_0] nowhere/none.vmdk"))));

        assertThat(results).extracting(VcenterResult::getCode).containsOnly(VcenterResultCode.NOT_FOUND);
        assertThat(results.get(0).getMessage()).contains("ghost01");
        assertThat(results.get(1).getMessage()).contains("FileNotFound");
    }
}
