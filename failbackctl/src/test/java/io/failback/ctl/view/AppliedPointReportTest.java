package io.failback.ctl.view;

import static io.failback.ctl.view.StatusEvents.appConsistent;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;

import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import org.junit.jupiter.api.Test;

/** Issue 12: once the replication engine applied a point, the operator sees that point and its data loss. */
class AppliedPointReportTest {

    private final Reports reports = new Reports(ZoneOffset.UTC);
    private final JobView view = new JobView();

    @Test
    void shouldShowTheAppliedPointAndItsDataLossFromTheShutdownRatherThanTheChosenOnes() {
        // given a VM chosen at rp-7 (12m 34s old then), whose disks the engine rolled to a final point with no loss
        StatusEvents e = new StatusEvents("job-a");
        view.apply(e.job(JobState.AWAITING_COMMIT, 1, 1, 0));
        StatusEvent chosen = e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-7", "cg-1", 754_000));
        view.apply(StatusEvent.newBuilder(chosen).setVm(VmStatus.newBuilder(chosen.getVm())
                .setAppliedPoint(appConsistent("final-9", null, 0)).build()).build());

        // when the job is shown
        List<String> lines = reports.show(view.job("job-a").orElseThrow());

        // then the row names the applied point and 0 s of data loss
        String row = lines.stream().filter(l -> l.startsWith("web01")).findFirst().orElseThrow();
        assertThat(row).contains("final-9").doesNotContain("rp-7", "12m 34s");
        assertThat(Formats.dataLoss(appConsistent("final-9", null, 0))).isIn(row.split("\\s{2,}"));
    }
}
