package io.failback.sandbox.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.failback.messages.Consistency;
import io.failback.messages.PrepareFailback;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.ResumeReplication;
import io.failback.sandbox.estate.EstateSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: the simulated engine's PrepareFailback and ResumeReplication, its retention and its final point. */
class ReplicationEnginePrepareTest {

    private static final Instant T0 = Instant.parse("2026-11-27T06:00:00Z");
    private final EstateSpec estate = EstateSpec.demo(24);
    private final ReplicationEngine engine = new ReplicationEngine(estate,
            new ReplicationEngine.Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), 2, Duration.ofSeconds(20)));
    private final String vm = estate.members("plan-orders").get(0).vmId();

    @Test
    void shouldRollTheDisksToAHeldPointAndStopTakingPointsForTheVmUntilResumed() {
        // given points taken
        RecoveryPoint chosen = pointsOf(engine.pointsDue(T0)).get(0);

        // when the VM is prepared for failback to that point
        ReplicationEngine.Answer answer = engine.onCommand(prepare(chosen.getPointId()), T0.plusSeconds(1));

        // then it answers with the point, keeps it as applied, and replicates the VM no more
        assertThat(answer.result().getCode()).isEqualTo(ReplicationResultCode.OK);
        assertThat(answer.result().getOutcome().getPointId()).isEqualTo(chosen.getPointId());
        assertThat(answer.result().getOutcome().getTime()).isEqualTo(chosen.getTime());
        assertThat(engine.appliedPoint(vm).getPointId()).isEqualTo(chosen.getPointId());
        assertThat(pointsOf(engine.pointsDue(T0.plusSeconds(5)))).noneMatch(p -> p.getVmId().equals(vm));

        // and a resume restores replication as it was
        engine.onCommand(new ReplicationCommand("c2", "job-1", vm, T0, new ResumeReplication(vm)), T0.plusSeconds(6));
        assertThat(engine.appliedPoint(vm)).isNull();
        assertThat(pointsOf(engine.pointsDue(T0.plusSeconds(10)))).anyMatch(p -> p.getVmId().equals(vm));
    }

    @Test
    void shouldAnswerPointExpiredForAPointRetentionPruned() {
        // given a point pruned by retention (two crash points kept per VM)
        RecoveryPoint first = pointsOf(engine.pointsDue(T0)).stream().filter(p -> p.getVmId().equals(vm)
                && p.getConsistency() == Consistency.CRASH_CONSISTENT).findFirst().orElseThrow();
        engine.pointsDue(T0.plusSeconds(5));
        engine.pointsDue(T0.plusSeconds(10));

        // when the VM is prepared to it
        ReplicationEngine.Answer answer = engine.onCommand(prepare(first.getPointId()), T0.plusSeconds(11));

        // then the engine says so by name and nothing is applied
        assertThat(answer.result().getCode()).isEqualTo(ReplicationResultCode.POINT_EXPIRED);
        assertThat(answer.result().getMessage()).contains(first.getPointId());
        assertThat(engine.appliedPoint(vm)).isNull();
    }

    @Test
    void shouldTakeAndPublishAFinalPointAfterTheShutdownWhenAskedForNoPoint() {
        engine.pointsDue(T0);

        // when the VM is prepared with no point, after its Azure VM was shut down
        ReplicationEngine.Answer answer = engine.onCommand(prepare(null), T0.plusSeconds(40));

        // then a final point taken now is published and applied; a re-sent prepare finds the same one
        assertThat(answer.points()).hasSize(1);
        RecoveryPoint finalPoint = answer.points().get(0).value();
        assertThat(finalPoint.getTime()).isEqualTo(T0.plusSeconds(40));
        assertThat(answer.result().getOutcome().getPointId()).isEqualTo(finalPoint.getPointId());
        assertThat(engine.onCommand(prepare(null), T0.plusSeconds(41)).result().getOutcome().getPointId())
                .isEqualTo(finalPoint.getPointId());
    }

    @Test
    void shouldFailAPrepareWhenToldTo() {
        RecoveryPoint chosen = pointsOf(engine.pointsDue(T0)).get(0);
        engine.failNextPrepare(vm, "snapshot store unreachable");

        ReplicationEngine.Answer answer = engine.onCommand(prepare(chosen.getPointId()), T0.plusSeconds(1));

        assertThat(answer.result().getCode()).isEqualTo(ReplicationResultCode.FAILED);
        assertThat(answer.result().getMessage()).isEqualTo("snapshot store unreachable");
        assertThat(engine.appliedPoint(vm)).isNull();
    }

    private ReplicationCommand prepare(String pointId) {
        return new ReplicationCommand("c1", "job-1", vm, T0, new PrepareFailback(vm, pointId));
    }

    private List<RecoveryPoint> pointsOf(List<ReplicationEngine.Keyed<RecoveryPoint>> keyed) {
        return keyed.stream().map(ReplicationEngine.Keyed::value).filter(p -> p != null && p.getVmId().equals(vm)).toList();
    }
}
