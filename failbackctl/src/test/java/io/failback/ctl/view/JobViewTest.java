package io.failback.ctl.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

class JobViewTest {

    private final JobView view = new JobView();

    @Test
    void shouldKeepTheLatestJobAndVmStatusPerJob() {
        // given
        StatusEvents a = new StatusEvents("job-a");
        StatusEvents b = new StatusEvents("job-b");

        // when
        view.apply(a.job(JobState.PREFLIGHT, 0, 0, 0));
        view.apply(a.vm("web01", 1, VmState.PREFLIGHT, Step.CHECK_INVENTORY));
        view.apply(b.job(JobState.RUNNING, 1, 0, 0));
        view.apply(a.vm("db01", 2, VmState.READY, Step.NONE));
        view.apply(a.vm("web01", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        view.apply(a.job(JobState.RUNNING, 1, 0, 0));

        // then
        assertThat(view.jobs()).extracting(JobSnapshot::jobId).containsExactly("job-a", "job-b");
        JobSnapshot jobA = view.job("job-a").orElseThrow();
        assertThat(jobA.state()).isEqualTo(JobState.RUNNING);
        assertThat(jobA.vms()).extracting(v -> v.getVmId() + " " + v.getState() + " " + v.getStep())
                .containsExactly("web01 FAILING_BACK SHUT_DOWN_AZURE_VM", "db01 READY NONE");
        assertThat(jobA.lastUpdate()).isEqualTo(StatusEvents.START.plusSeconds(4));
        assertThat(view.job("job-b").orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(view.job("job-c")).isEmpty();
    }

    @Test
    void shouldCountDoneAndFailedVmsPerPlanGroup() {
        // given
        StatusEvents e = new StatusEvents("job-a");

        // when
        view.apply(e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE));
        view.apply(e.vm("web02", 1, VmState.REPROTECTED, Step.NONE));
        view.apply(e.vm("web03", 1, VmState.ROLLED_BACK, Step.NONE));
        view.apply(e.vm("db01", 2, VmState.WAITING_FOR_GROUP, Step.NONE));
        view.apply(e.vm("db02", 2, VmState.REJECTED, Step.NONE));

        // then
        assertThat(view.job("job-a").orElseThrow().groups()).containsExactly(
                new GroupProgress(1, 3, 2, 1), new GroupProgress(2, 2, 0, 1));
        assertThat(view.job("job-a").orElseThrow().state()).as("no job status seen yet").isNull();
    }

    @Test
    void shouldIgnoreEventsThatCarryNeitherJobNorVm() {
        // given
        var empty = io.failback.messages.StatusEvent.newBuilder().setJobId("job-x").setAt(StatusEvents.START).build();

        // when
        view.apply(empty);

        // then
        assertThat(view.jobs()).isEmpty();
    }
}
