package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statuses a decision publishes carry each field of the job or VM under its own name: made field by field with
 * Avro's builders here, they equal what {@link Decision} makes with the records' constructors.
 */
class DecisionStatusTest {

    private static final long NOW = 1_790_000_000_000L;

    @Test
    void shouldPublishEveryFieldOfTheJobUnderItsOwnName() {
        // given a job with every field set, each to a value of its own
        Job job = new Job("job-1", "ops@example.org", "plan-erp", "plan=plan-erp", RecoveryPointKind.LATEST_APP_CONSISTENT,
                CommitPolicyKind.AUTO_ROLLBACK, 900, "ps-9", JobState.RUNNING, 9, 3, 2, List.of(0, 3, 4), List.of(1, 0, 0),
                Map.of(VmState.FAILED_BACK_AWAITING_COMMIT, 4, VmState.FAILED, 1, VmState.FAILING_BACK, 4), 1, 0, false, false,
                List.of(new Reason(ReasonCode.STEP_FAILED, "x")), NOW - 5_000, "ops.bob", List.of());
        Decision d = new Decision(job, NOW);

        // when the decision publishes the job's status
        d.jobStatus();

        // then it is the status made field by field
        JobStatus expected = JobStatus.newBuilder().setState(JobState.RUNNING).setRequestId("job-1").setRequestedBy("ops@example.org")
                .setPlanId("plan-erp").setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT).setCommitPolicy(CommitPolicyKind.AUTO_ROLLBACK)
                .setTotalVms(9).setGroupCount(3).setCurrentGroup(2).setVmsDone(4).setVmsFailed(1)
                .setReasons(List.of(new io.failback.messages.Reason(ReasonCode.STEP_FAILED, "x"))).setApprovedBy("ops.bob").build();
        assertThat(d.statuses()).containsExactly(StatusEvent.newBuilder().setJobId("job-1").setAt(Instant.ofEpochMilli(NOW))
                .setJob(expected).build());
    }

    @Test
    void shouldPublishEveryFieldOfTheVmUnderItsOwnName() {
        // given a VM with every published field set, its chosen and applied points apart
        ChosenPoint chosen = new ChosenPoint("rp-1", NOW - 60_000, Consistency.APP_CONSISTENT, "cg-1", 60_000);
        VmJob vm = new VmJob("job-1", "vm-7", 3, VmState.FAILING_BACK, Step.PREPARE_FAILBACK, null, chosen,
                List.of(new Reason(ReasonCode.STEP_TIMEOUT, "slow")), Map.of(), true, true, 1, 0, 0, List.of(), false, null, false,
                false, 0, 0, List.of(), List.of(), new ChosenPoint("rp-2", NOW - 30_000, Consistency.CRASH_CONSISTENT, null, 30_000),
                NOW - 1_000, false);
        Decision d = new Decision(null, NOW);

        // when the decision publishes the VM's status
        d.vmStatus(vm);

        // then it is the status made field by field
        VmStatus expected = VmStatus.newBuilder().setVmId("vm-7").setGroup(3).setState(VmState.FAILING_BACK).setStep(Step.PREPARE_FAILBACK)
                .setRecoveryPoint(new ChosenRecoveryPoint("rp-1", Instant.ofEpochMilli(NOW - 60_000), Consistency.APP_CONSISTENT, "cg-1", 60_000L))
                .setReasons(List.of(new io.failback.messages.Reason(ReasonCode.STEP_TIMEOUT, "slow")))
                .setAppliedPoint(PointApplication.message(vm.appliedPoint())).build();
        assertThat(d.statuses()).containsExactly(StatusEvent.newBuilder().setJobId("job-1").setAt(Instant.ofEpochMilli(NOW))
                .setVm(expected).build());
        assertThat(expected.getAppliedPoint().getPointId()).isEqualTo("rp-2");
    }
}
