package io.failback.ctl.view;

import static io.failback.ctl.view.StatusEvents.appConsistent;
import static io.failback.ctl.view.StatusEvents.reason;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;

import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

class ReportsTest {

    private final Reports reports = new Reports(ZoneOffset.UTC);
    private final JobView view = new JobView();

    @Test
    void shouldShowEveryVmWithStateStepRecoveryPointDataLossAndReasons() {
        // given
        StatusEvents e = new StatusEvents("job-a");
        view.apply(e.job(JobState.AWAITING_COMMIT, 2, 1, 1,
                reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT, "1 VM could not fail back")));
        view.apply(e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-7", "cg-1", 754_000)));
        view.apply(e.vm("db01", 2, VmState.REJECTED, Step.CHECK_INVENTORY,
                reason(ReasonCode.NO_RECOVERY_POINT, "no app-consistent recovery point")));

        // when
        List<String> lines = reports.show(view.job("job-a").orElseThrow());

        // then
        assertThat(lines).startsWith(
                "job job-a: AWAITING_COMMIT",
                "  requested by alice, plan plan-erp, recovery point LATEST_APP_CONSISTENT, commit MANUAL",
                "  3 VMs in 2 groups (now group 2): 1 done, 1 failed",
                "  reason OTHER_VMS_FAILED_PREFLIGHT: 1 VM could not fail back",
                "");
        assertThat(lines.get(5)).startsWith("VM     GROUP  STATE                        STEP             RECOVERY POINT");
        assertThat(lines.get(6)).contains("web01", "FAILED_BACK_AWAITING_COMMIT",
                "rp-7 app-consistent 2024-05-01 09:47:26 group cg-1", "12m 34s");
        assertThat(lines.get(7)).contains("db01", "REJECTED", "CHECK_INVENTORY",
                "NO_RECOVERY_POINT: no app-consistent recovery point").endsWith("recovery point");
    }

    @Test
    void shouldShowWhoApprovedTheCommitInShowAndWatch() {
        // given a job bob's commit moved on (issue 15: the verified approver)
        StatusEvents e = new StatusEvents("job-a");
        io.failback.messages.StatusEvent committing = e.job(JobState.COMMITTING, 2, 3, 0);
        committing.getJob().setApprovedBy("bob");
        view.apply(committing);

        // when
        List<String> lines = reports.show(view.job("job-a").orElseThrow());
        String watched = reports.jobLine(committing.getJob(), "job-a", committing.getAt());

        // then
        assertThat(lines).contains("  commit approved by bob");
        assertThat(watched).contains("approved by bob");
    }

    @Test
    void shouldListJobsWithStateCountsAndRequester() {
        // given
        view.apply(new StatusEvents("job-a").job(JobState.COMPLETED, 2, 3, 0));
        view.apply(new StatusEvents("job-b").plan(null, 1, 1).job(JobState.REJECTED, 0, 0, 1));

        // when
        List<String> lines = reports.jobs(view.jobs());

        // then
        assertThat(lines).containsExactly(
                "JOB    STATE      PLAN      VMS  DONE  FAILED  REQUESTED BY  UPDATED",
                "job-a  COMPLETED  plan-erp  3    3     0       alice         2024-05-01 10:00:00",
                "job-b  REJECTED   -         1    0     1       alice         2024-05-01 10:00:00");
    }

    @Test
    void shouldWriteWatchLinesWithTimeStateStepAndReasons() {
        // given
        StatusEvents e = new StatusEvents("job-a");

        // when
        var job = e.job(JobState.RUNNING, 1, 0, 0);
        var vm = e.vm("web01", 1, VmState.FAILED, Step.ATTACH_TO_ON_PREMISES_VM,
                reason(ReasonCode.STEP_FAILED, "disk in use"));

        // then
        assertThat(reports.jobLine(job.getJob(), "job-a", job.getAt()))
                .isEqualTo("10:00:00  job job-a  RUNNING  group 1/2  0/3 done  0 failed");
        assertThat(reports.vmLine(vm.getVm(), vm.getAt()))
                .isEqualTo("10:00:01  web01  group 1  FAILED  ATTACH_TO_ON_PREMISES_VM  STEP_FAILED: disk in use");
    }

    @Test
    void shouldFormatDurationsTheWayOperatorsReadThem() {
        assertThat(Formats.duration(0)).isEqualTo("0s");
        assertThat(Formats.duration(45_900)).isEqualTo("45s");
        assertThat(Formats.duration(754_000)).isEqualTo("12m 34s");
        assertThat(Formats.duration(7_380_000)).isEqualTo("2h 03m");
        assertThat(Formats.duration(273_600_000)).isEqualTo("3d 04h");
    }

    @Test
    void shouldDrawDoneAndFailedVmsInTheProgressBar() {
        assertThat(ProgressBar.render(new GroupProgress(1, 4, 2, 1))).isEqualTo("group 1  [##########xxxxx.....]  2/4 done  1 failed");
        assertThat(ProgressBar.render(new GroupProgress(3, 3, 0, 0))).isEqualTo("group 3  [....................]  0/3 done");
        assertThat(ProgressBar.render(new GroupProgress(2, 3, 3, 0))).isEqualTo("group 2  [####################]  3/3 done");
    }
}
