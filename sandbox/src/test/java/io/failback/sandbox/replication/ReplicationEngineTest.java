package io.failback.sandbox.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import io.failback.messages.AgentRegistration;
import io.failback.messages.Consistency;
import io.failback.messages.DisksChanged;
import io.failback.messages.InventoryRecord;
import io.failback.messages.PowerState;
import io.failback.messages.ProtectedItem;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.Reprotect;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationDirection;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import org.junit.jupiter.api.Test;

class ReplicationEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-27T06:00:00Z");
    private final EstateSpec estate = EstateSpec.demo(24);
    private final ReplicationEngine engine = new ReplicationEngine(estate,
            new ReplicationEngine.Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), 2, Duration.ofSeconds(20)));

    @Test
    void shouldPublishEveryItemThePlanItsMembersAndAHeartbeat() {
        List<ReplicationEngine.Keyed<InventoryRecord>> inventory = engine.inventory(T0);

        assertThat(inventory.stream().filter(k -> k.value().getEntry() instanceof ProtectedItem)).hasSize(26);
        assertThat(inventory.stream().filter(k -> k.key().startsWith("plan/plan-orders/vm/"))).hasSize(24);
        RecoveryPlan plan = (RecoveryPlan) inventory.stream().filter(k -> k.key().equals("plan/plan-orders")).findFirst()
                .orElseThrow().value().getEntry();
        assertThat(plan.getGroupCount()).isEqualTo(3);
        assertThat(estate.members("plan-orders").stream().filter(VmSpec::windows)).hasSize(8);
        assertThat(inventory.stream().filter(k -> k.key().startsWith("plan/plan-blocked/vm/"))).hasSize(2);
        assertThat(inventory).anySatisfy(k -> assertThat(k.key()).isEqualTo("config-server/cs-01"));
    }

    @Test
    void shouldShareOneConsistencyIdPerReplicationGroupAndRoundAndLeaveOneVmWithoutAppConsistentPoints() {
        List<RecoveryPoint> points = values(engine.pointsDue(T0));

        List<RecoveryPoint> groupApp = points.stream().filter(p -> p.getConsistency() == Consistency.APP_CONSISTENT
                && p.getConsistencyId() != null).collect(Collectors.toList());
        assertThat(groupApp).hasSize(3).extracting(RecoveryPoint::getConsistencyId).containsOnly(groupApp.get(0).getConsistencyId());
        String last = estate.members("plan-orders").get(23).vmId();
        assertThat(points).filteredOn(p -> p.getVmId().equals(last)).extracting(RecoveryPoint::getConsistency)
                .containsExactly(Consistency.CRASH_CONSISTENT);
    }

    @Test
    void shouldTakeCrashPointsOftenerThanAppPointsAndExpireOldOnes() {
        engine.pointsDue(T0);
        assertThat(engine.pointsDue(T0.plusSeconds(2))).isEmpty();
        List<ReplicationEngine.Keyed<RecoveryPoint>> second = engine.pointsDue(T0.plusSeconds(5));
        assertThat(values(second)).allSatisfy(p -> assertThat(p.getConsistency()).isEqualTo(Consistency.CRASH_CONSISTENT));

        List<ReplicationEngine.Keyed<RecoveryPoint>> third = engine.pointsDue(T0.plusSeconds(10));

        assertThat(third.stream().filter(k -> k.value() == null)).as("tombstones: two crash points kept per VM").hasSize(25);
        assertThat(third).noneSatisfy(k -> assertThat(k.key()).startsWith("blocked-02/"));
    }

    @Test
    void shouldAnswerAgentNotRegisteredUntilTheDelayAfterPowerOnHasPassed() {
        String vm = estate.vms().get(0).vmId();
        ReplicationCommand reprotect = new ReplicationCommand("job-1:" + vm + ":9:REPROTECT", "job-1", vm, T0,
                new Reprotect("ps-01", vm + "-onprem"));

        assertThat(engine.onCommand(reprotect, T0).result().getCode()).isEqualTo(ReplicationResultCode.AGENT_NOT_REGISTERED);

        engine.onVcenterResult(powered(vm, PowerState.POWERED_ON), T0);
        assertThat(engine.registrationsDue(T0.plusSeconds(19))).isEmpty();
        List<ReplicationEngine.Keyed<InventoryRecord>> registered = engine.registrationsDue(T0.plusSeconds(20));
        assertThat(registered).singleElement().satisfies(k -> {
            assertThat(k.key()).isEqualTo("agent/" + vm);
            assertThat(((AgentRegistration) k.value().getEntry()).getRegistered()).isTrue();
        });

        ReplicationEngine.Answer answer = engine.onCommand(reprotect, T0.plusSeconds(21));
        assertThat(answer.result().getCode()).isEqualTo(ReplicationResultCode.OK);
        assertThat(((ProtectedItem) answer.updatedItem().value().getEntry()).getReplicationDirection())
                .isEqualTo(ReplicationDirection.ON_PREMISES_TO_AZURE);
        assertThat(engine.isReprotected(vm)).isTrue();
    }

    @Test
    void shouldIgnoreResultsThatAreNotAPowerOnAndForgetAVmPoweredOffAgain() {
        String vm = estate.vms().get(1).vmId();
        engine.onVcenterResult(new VcenterResult("c", "job-1", vm, VcenterResultCode.OK, "", T0, new DisksChanged(List.of())), T0);
        engine.onVcenterResult(new VcenterResult("c", "job-1", vm, VcenterResultCode.TIMEOUT, "slow", T0, null), T0);
        assertThat(engine.registrationsDue(T0.plusSeconds(60))).isEmpty();

        engine.onVcenterResult(powered(vm, PowerState.POWERED_ON), T0);
        engine.onVcenterResult(powered(vm, PowerState.POWERED_OFF), T0.plusSeconds(5));

        assertThat(engine.registrationsDue(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void shouldRegisterEachAgentOnceInTheOrderItsVmPoweredOnAndStartTheClockAgainAfterAPowerOff() {
        String first = estate.vms().get(2).vmId();
        String second = estate.vms().get(3).vmId();
        String third = estate.vms().get(4).vmId();
        engine.onVcenterResult(powered(first, PowerState.POWERED_ON), T0);
        engine.onVcenterResult(powered(second, PowerState.POWERED_ON), T0.plusSeconds(10));
        engine.onVcenterResult(powered(third, PowerState.POWERED_ON), T0.plusSeconds(12));
        engine.onVcenterResult(powered(first, PowerState.POWERED_ON), T0.plusSeconds(15)); // still on: its clock runs on

        assertThat(engine.registrationsDue(T0.plusSeconds(20))).extracting(ReplicationEngine.Keyed::key).containsExactly("agent/" + first);
        assertThat(engine.registrationsDue(T0.plusSeconds(25))).as("each agent registers once").isEmpty();

        engine.onVcenterResult(powered(third, PowerState.POWERED_OFF), T0.plusSeconds(26));
        engine.onVcenterResult(powered(third, PowerState.POWERED_ON), T0.plusSeconds(40));
        assertThat(engine.registrationsDue(T0.plusSeconds(45))).extracting(ReplicationEngine.Keyed::key).containsExactly("agent/" + second);
        assertThat(engine.registrationsDue(T0.plusSeconds(59))).as("powered off and on: 20 s from the second power-on").isEmpty();
        assertThat(engine.registrationsDue(T0.plusSeconds(60))).extracting(ReplicationEngine.Keyed::key).containsExactly("agent/" + third);

        engine.onVcenterResult(powered(first, PowerState.POWERED_OFF), T0.plusSeconds(61));
        engine.onVcenterResult(powered(first, PowerState.POWERED_ON), T0.plusSeconds(62));
        assertThat(engine.registrationsDue(T0.plusSeconds(70))).as("a VM powered on again registers again, after the delay").isEmpty();
        assertThat(engine.registrationsDue(T0.plusSeconds(82))).extracting(ReplicationEngine.Keyed::key).containsExactly("agent/" + first);
    }

    @Test
    void shouldRefuseAVmItDoesNotProtect() {
        ReplicationCommand unknown = new ReplicationCommand("c", "job-1", "vm-unknown", T0, new Reprotect("ps-01", "x"));

        assertThat(engine.onCommand(unknown, T0).result().getCode()).isEqualTo(ReplicationResultCode.FAILED);
    }

    private static VcenterResult powered(String vm, PowerState state) {
        return new VcenterResult("job-1:" + vm + ":7:POWER_ON_ON_PREMISES_VM", "job-1", vm, VcenterResultCode.OK, "", T0, new VmPowerState(state));
    }

    @Test
    void shouldPublishEachItemsOnPremisesInstanceUuidAndTheBootDiskAtScsiZeroZero() {
        List<ProtectedItem> items = engine.inventory(T0).stream().map(k -> k.value().getEntry())
                .filter(ProtectedItem.class::isInstance).map(ProtectedItem.class::cast).toList();

        assertThat(items).allSatisfy(item -> {
            assertThat(item.getOnPremisesInstanceUuid()).as(item.getVmId()).isEqualTo(estate.vm(item.getVmId()).onPremisesInstanceUuid());
            assertThat(item.getDiskLayout()).extracting(io.failback.messages.DiskPlacement::getDisk).containsExactlyElementsOf(item.getReplicaDisks());
            assertThat(item.getDiskLayout().get(0).getBusNumber() * 100 + item.getDiskLayout().get(0).getUnitNumber()).as("boot disk at SCSI 0:0").isZero();
        });
        assertThat(items.stream().map(ProtectedItem::getOnPremisesInstanceUuid).distinct()).hasSameSizeAs(items);
        assertThat(items).as("Windows VMs on a Windows master target, Linux VMs on a Linux one").allSatisfy(item ->
                assertThat(item.getMasterTarget().endsWith("-win")).as(item.getVmId()).isEqualTo(item.getOsType() == io.failback.messages.OsType.WINDOWS));
    }

    private static List<RecoveryPoint> values(List<ReplicationEngine.Keyed<RecoveryPoint>> keyed) {
        return keyed.stream().map(ReplicationEngine.Keyed::value).filter(java.util.Objects::nonNull).collect(Collectors.toList());
    }
}
