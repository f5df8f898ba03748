package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureResult;
import io.failback.messages.Consistency;
import io.failback.messages.PrepareFailback;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.failback.messages.Step.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 items 1 and 2: the chosen point applied by the replication engine before any disk is detached. */
class PointApplicationTest {

    @Nested
    class ChosenPointApplied {

        @Test
        void shouldRollTheDisksToTheChosenPointAfterTheShutdownAndBeforeAnyDiskIsDetached() {
            // given a VM whose latest app-consistent point is app-db01
            World w = new World(new Estate().vm("db01"));

            // when it fails back to its latest app-consistent point
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then the engine is told to roll to that point between the shutdown and the power-off and detach
            List<Step> steps = w.stepsOf("db01");
            assertThat(steps).containsSubsequence(SHUT_DOWN_AZURE_VM, PREPARE_FAILBACK, POWER_OFF_ON_PREMISES_VM,
                    DETACH_FROM_MASTER_TARGET);
            PrepareFailback prepare = (PrepareFailback) w.allCommands.stream().filter(s -> s.step() == PREPARE_FAILBACK)
                    .findFirst().orElseThrow().operation();
            assertThat(prepare.getVmId()).isEqualTo("db01");
            assertThat(prepare.getPointId()).isEqualTo("app-db01");
            // and the applied point is the chosen one, shown in the status and written in the audit
            assertThat(w.applied("db01").pointId()).isEqualTo(w.vm("job-1", "db01").point().pointId()).isEqualTo("app-db01");
            assertThat(w.lastStatus("db01").getAppliedPoint().getPointId()).isEqualTo("app-db01");
            assertThat(w.all.audits).map(AuditRecord::getAction).contains("recovery point applied");
            assertThat(w.vmState("db01")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }

        @Test
        void shouldMeasureTheDataLossFromTheAzureVmsShutdownToTheAppliedPoint() {
            // given a VM whose app-consistent point is 600 s older than the request, shut down 300 s after it
            World w = new World(new Estate().vm("db01"));
            w.agents = s -> s.step() == SHUT_DOWN_AZURE_VM
                    ? AzureResult.newBuilder((AzureResult) World.ok(s)).setCompletedAt(Instant.ofEpochMilli(Estate.T0 + 300_000)).build()
                    : w.answer(s);

            // when it fails back to that point
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then the window runs from the shutdown (its last write) to the point: 900 s, not the 600 s seen at the request
            assertThat(w.vm("job-1", "db01").point().dataLossWindowMillis()).isEqualTo(600_000L);
            assertThat(w.applied("db01").dataLossWindowMillis()).isEqualTo(900_000L);
            assertThat(w.lastStatus("db01").getAppliedPoint().getDataLossWindowMillis()).isEqualTo(900_000L);
        }

        @Test
        void shouldRollBackBeforeAnyDetachNamingTheFailureWhenTheEngineCantPrepare() {
            // given an engine that fails the prepare
            World w = new World(new Estate().vm("db01"));
            w.agents = s -> s.step() == PREPARE_FAILBACK ? World.result(s, ReplicationResultCode.FAILED) : w.answer(s);

            // when the VM fails back
            w.failBack(Estate.request("job-1", "db01").build());

            // then nothing on premises was touched: replication resumes and the Azure VM runs again
            assertThat(w.stepsOf("db01")).doesNotContain(POWER_OFF_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET)
                    .endsWith(PREPARE_FAILBACK, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.reasonCodes("db01")).containsExactly(ReasonCode.PREPARE_FAILBACK_FAILED);
            assertThat(w.vmState("db01")).isEqualTo(VmState.ROLLED_BACK);
            assertThat(w.applied("db01")).isNull();
        }
    }

    @Nested
    class ExpiredPoint {

        @Test
        void shouldChooseAnExpiredPointAgainByTheSameRuleOnce() {
            // given a VM with two app-consistent points; retention prunes the newer between choice and prepare
            World w = new World(new Estate().vm("db01").point("db01", "app-old", Estate.T0 - 1_200_000, Consistency.APP_CONSISTENT, null));
            w.agents = s -> {
                if (s.step() == PREPARE_FAILBACK && ((PrepareFailback) s.operation()).getPointId().equals("app-db01")) {
                    w.estate.expire("db01", "app-db01");
                }
                return w.answer(s);
            };

            // when it fails back to its latest app-consistent point
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then the next latest app-consistent point is chosen and applied, and the failback goes on
            assertThat(w.stepsOf("db01")).containsSubsequence(PREPARE_FAILBACK, PREPARE_FAILBACK, DETACH_FROM_MASTER_TARGET);
            assertThat(w.vm("job-1", "db01").point().pointId()).isEqualTo("app-old");
            assertThat(w.applied("db01").pointId()).isEqualTo("app-old");
            assertThat(w.all.audits).map(AuditRecord::getAction).contains("recovery point chosen again");
            assertThat(w.vmState("db01")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }

        @Test
        void shouldChooseAReplicationGroupsCommonPointAgainWhenItsPointExpired() {
            // given a replication group whose newest common point c2 is pruned just as the prepares go out
            Estate e = groupOfTwo();
            World w = new World(e);
            w.agents = s -> {
                if (s.step() == PREPARE_FAILBACK) {
                    e.expire("a", "a-c2").expire("b", "b-c2");
                }
                return w.answer(s);
            };

            // when the group fails back to its latest common app-consistent point
            w.failBack(Estate.request("job-1", "a", "b").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then both VMs were first told c2, then both roll to the common point c1 they still share
            assertThat(w.vm("job-1", "a").point().consistencyId()).isEqualTo("c1");
            assertThat(w.applied("a").consistencyId()).isEqualTo(w.applied("b").consistencyId()).isEqualTo("c1");
            assertBothFailedBackOnC1(w);
        }

        @Test
        void shouldMoveTheWholeReplicationGroupToItsNewCommonPointWhenItExpiresForOneMemberWhileAnotherIsPreparing() {
            // given a group whose point c2 is pruned for both while a's prepare is still in flight
            Estate e = groupOfTwo();
            World w = new World(e);
            w.agents = s -> {
                if (s.step() == PREPARE_FAILBACK && s.vmId().equals("a") && "a-c2".equals(((PrepareFailback) s.operation()).getPointId())) {
                    return null; // the engine hasn't answered a's prepare for c2 yet
                }
                if (s.step() == PREPARE_FAILBACK && s.vmId().equals("b")) {
                    e.expire("a", "a-c2").expire("b", "b-c2");
                }
                return w.answer(s);
            };

            // when the group fails back and b's prepare finds c2 gone
            w.failBack(Estate.request("job-1", "a", "b").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then b chooses c1 again, a follows it with a new prepare, and both roll to c1: the group is never split
            assertThat(w.allCommands).filteredOn(s -> s.step() == PREPARE_FAILBACK && s.vmId().equals("a"))
                    .extracting(s -> ((PrepareFailback) s.operation()).getPointId()).containsExactly("a-c2", "a-c1");
            assertBothFailedBackOnC1(w);
        }

        private static void assertBothFailedBackOnC1(World w) {
            assertThat(w.applied("a").pointId()).isEqualTo("a-c1");
            assertThat(w.applied("b").pointId()).isEqualTo("b-c1");
            assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(w.vmState("b")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }

        @Test
        void shouldFailAMemberByNameRatherThanSplitTheGroupWhenAnotherMemberAlreadyRolledToTheExpiredPoint() {
            // given a's disks were rolled to c2 before c2 is pruned for b
            Estate e = groupOfTwo();
            World w = new World(e);
            w.agents = s -> {
                if (s.step() == PREPARE_FAILBACK && s.vmId().equals("b")) {
                    e.expire("b", "b-c2");
                }
                return w.answer(s);
            };

            // when the group fails back
            w.failBack(Estate.request("job-1", "a", "b").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then a stays on c2, and b is not rolled to c1: it rolls back, naming why, before any detach
            assertThat(w.applied("a").pointId()).isEqualTo("a-c2");
            assertThat(w.vm("job-1", "b").appliedPoint()).isNull();
            assertThat(w.reasonCodes("b")).containsExactly(ReasonCode.RECOVERY_POINT_EXPIRED);
            assertThat(w.vm("job-1", "b").reasons().get(0).message()).contains("split");
            assertThat(w.stepsOf("b")).doesNotContain(Step.DETACH_FROM_MASTER_TARGET);
        }

        private static Estate groupOfTwo() {
            return new Estate().vm("a", b -> b.setReplicationGroup("rg1")).vm("b", b -> b.setReplicationGroup("rg1"))
                    .point("a", "a-c1", Estate.T0 - 300_000, Consistency.APP_CONSISTENT, "c1")
                    .point("b", "b-c1", Estate.T0 - 299_000, Consistency.APP_CONSISTENT, "c1")
                    .point("a", "a-c2", Estate.T0 - 60_000, Consistency.APP_CONSISTENT, "c2")
                    .point("b", "b-c2", Estate.T0 - 59_000, Consistency.APP_CONSISTENT, "c2");
        }

        @Test
        void shouldFailTheVmByNameBeforeAnyDetachWhenThePointChosenAgainExpiresToo() {
            // given an engine whose retention prunes every point it is asked for
            World w = new World(new Estate().vm("db01").point("db01", "app-old", Estate.T0 - 1_200_000, Consistency.APP_CONSISTENT, null));
            w.agents = s -> {
                if (s.operation() instanceof PrepareFailback p) {
                    w.estate.expire("db01", p.getPointId());
                }
                return w.answer(s);
            };

            // when it fails back
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then it tried twice (once re-chosen), then rolled back before touching anything on premises
            assertThat(w.stepsOf("db01")).filteredOn(s -> s == PREPARE_FAILBACK).hasSize(2);
            assertThat(w.stepsOf("db01")).doesNotContain(POWER_OFF_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET)
                    .endsWith(ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.reasonCodes("db01")).containsExactly(ReasonCode.RECOVERY_POINT_EXPIRED);
            assertThat(w.vm("job-1", "db01").reasons().get(0).message()).contains("app-old", "chosen again once");
            assertThat(w.vmState("db01")).isEqualTo(VmState.ROLLED_BACK);
        }

        @Test
        void shouldFailTheVmByNameWhenNoOtherPointMeetsTheRule() {
            // given a VM with a single app-consistent point, pruned before the prepare
            World w = new World(new Estate().vm("db01"));
            w.agents = s -> {
                if (s.step() == PREPARE_FAILBACK) {
                    w.estate.expire("db01", "app-db01");
                }
                return w.answer(s);
            };

            // when it fails back to its latest app-consistent point
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).build());

            // then it fails, naming the expiry, with nothing detached
            assertThat(w.reasonCodes("db01")).containsExactly(ReasonCode.RECOVERY_POINT_EXPIRED);
            assertThat(w.vm("job-1", "db01").reasons().get(0).message()).contains("app-db01", "no other point");
            assertThat(w.stepsOf("db01")).doesNotContain(DETACH_FROM_MASTER_TARGET).endsWith(ROLLBACK_START_AZURE_VM);
            assertThat(w.vmState("db01")).isEqualTo(VmState.ROLLED_BACK);
        }
    }

    @Nested
    class AfterShutdown {

        @Test
        void shouldFailBackToAFinalPointTakenAfterTheShutdownWithNoDataLoss() {
            // given a VM (its existing points don't matter: the engine takes a final one)
            World w = new World(new Estate().vm("db01").noPoints("db01"));

            // when it fails back with recovery point AFTER_SHUTDOWN
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.AFTER_SHUTDOWN).build());

            // then the engine is asked for a final point after the shutdown, before the detach, and the disks hold it
            assertThat(w.stepsOf("db01")).containsSubsequence(SHUT_DOWN_AZURE_VM, PREPARE_FINAL_POINT, POWER_OFF_ON_PREMISES_VM,
                    DETACH_FROM_MASTER_TARGET).doesNotContain(PREPARE_FAILBACK);
            PrepareFailback prepare = (PrepareFailback) w.allCommands.stream().filter(s -> s.step() == PREPARE_FINAL_POINT)
                    .findFirst().orElseThrow().operation();
            assertThat(prepare.getPointId()).isNull();
            assertThat(w.applied("db01").pointId()).isEqualTo("final-db01");
            assertThat(w.applied("db01").time()).isGreaterThanOrEqualTo(w.vm("job-1", "db01").shutdownAt());
            // and the status shows no data lost
            assertThat(w.lastStatus("db01").getAppliedPoint().getDataLossWindowMillis()).isZero();
            assertThat(w.vmState("db01")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }

        @Test
        void shouldFailTheVmAndStartTheAzureVmAgainWhenNoFinalPointComesInTime() {
            // given an engine that never answers for the final point
            World w = new World(new Estate().vm("db01"));
            w.agents = s -> s.step() == PREPARE_FINAL_POINT ? null : w.answer(s);
            w.failBack(Estate.request("job-1", "db01").setRecoveryPoint(RecoveryPointKind.AFTER_SHUTDOWN).build());
            assertThat(w.vmState("db01")).isEqualTo(VmState.FAILING_BACK);

            // when the configured wait passes
            w.outstanding.clear(); // the engine dropped it
            w.advance(w.settings.finalPointTimeout());
            w.settle();

            // then the VM fails by name before any detach, and its Azure VM is started again
            assertThat(w.reasonCodes("db01")).containsExactly(ReasonCode.FINAL_POINT_NOT_TAKEN);
            assertThat(w.stepsOf("db01")).filteredOn(s -> s == PREPARE_FINAL_POINT).hasSize(1);
            assertThat(w.stepsOf("db01")).doesNotContain(POWER_OFF_ON_PREMISES_VM, DETACH_FROM_MASTER_TARGET)
                    .endsWith(PREPARE_FINAL_POINT, ROLLBACK_RESUME_REPLICATION, ROLLBACK_START_AZURE_VM);
            assertThat(w.vmState("db01")).isEqualTo(VmState.ROLLED_BACK);
        }
    }
}
