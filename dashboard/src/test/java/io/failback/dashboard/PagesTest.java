package io.failback.dashboard;

import static io.failback.dashboard.Statuses.job;
import static io.failback.dashboard.Statuses.reason;
import static io.failback.dashboard.Statuses.vm;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

class PagesTest {

    private static final String HOSTILE = "\"><script>alert(1)</script><img src=x onerror=alert(2)>\u202e\u0007";

    private final JobStateStore store = new JobStateStore();
    private final Instant now = Statuses.T0.plusSeconds(125);

    private String jobPage(String jobId, JobStateStore.VmFilter filter) {
        return JobPage.render(new JobPage.Model(store.job(jobId).orElseThrow(), store.groups(jobId), store.vms(jobId, filter, 0, 100),
                filter, null), now);
    }

    @Test
    void shouldEscapeMarkupFromARecordInEveryCellOfTheJobPage() {
        // given a job whose VM id, reason and requester hold markup and control characters
        String jobId = "job-1";
        store.apply(Topics.jobStateKey(jobId), job(jobId, JobState.RUNNING, 1, 0, 0, reason(ReasonCode.STEP_FAILED, HOSTILE)));
        store.apply(Topics.vmStateKey(jobId, "x"), vm(jobId, "vm" + HOSTILE, 1, VmState.FAILED, Step.ATTACH_TO_ON_PREMISES_VM,
                reason(ReasonCode.STEP_FAILED, HOSTILE)));

        // when its page and the jobs list are rendered
        String html = jobPage(jobId, JobStateStore.VmFilter.ALL) + JobsPage.render(store.jobs(0, 50), true, now);

        // then no markup from the record survives, and the control and bidi characters show as escapes
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x").doesNotContain("\u202e").doesNotContain("\u0007")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("&quot;&gt;").contains("\\u202e");
        assertThat(html.split("<script", -1)).as("only the page's own script tag").hasSize(3);
    }

    @Test
    void shouldShowTheSignedFailbackctlCommandInsteadOfAFormWhenTheDashboardHasNoKey() {
        // when the dashboard has no operator key to sign with (issue 15: it has no login, so it can't sign for anyone)
        String html = Layout.command("job-9", "AWAITING_COMMIT", "COMMIT", null, "Commit deletes the job's Azure VMs.");

        // then it shows the command to run with one's own key, and no form that could send anything
        assertThat(html).contains("failbackctl commit job-9 --operator YOUR-ID --key-file YOUR-KEY-FILE").doesNotContain("<form");
    }

    @Test
    void shouldShowWhoApprovedTheCommitOnTheJobPage() {
        String jobId = "job-approved";
        io.failback.messages.StatusEvent committed = job(jobId, JobState.COMPLETED, 1, 1, 0);
        committed.getJob().setApprovedBy("ops-bob");
        store.apply(Topics.jobStateKey(jobId), committed);

        assertThat(jobPage(jobId, JobStateStore.VmFilter.ALL)).contains("commit approved by <span id=\"job-approved\">ops-bob</span>");
    }

    @Test
    void shouldCutAnOverlongValueAndSayHowMuchWasLeftOut() {
        String jobId = "job-2";
        store.apply(Topics.jobStateKey(jobId), job(jobId, JobState.RUNNING, 1, 0, 0));
        store.apply(Topics.vmStateKey(jobId, "a"), vm(jobId, "a", 1, VmState.FAILED, Step.NONE, reason(ReasonCode.STEP_FAILED, "y".repeat(100_000))));

        String html = jobPage(jobId, JobStateStore.VmFilter.ALL);

        assertThat(html).hasSizeLessThan(20_000).contains("y".repeat(Html.MAX_CELL_CHARS) + "\u2026(+" + (100_000 - Html.MAX_CELL_CHARS) + " chars)");
    }

    @Test
    void shouldShowOneProgressBarPerBootGroupAndCommitOnlyWhileAwaitingCommit() {
        String jobId = "job-3";
        store.apply(Topics.jobStateKey(jobId), job(jobId, JobState.RUNNING, 3, 1, 0));
        store.apply("vm/job-3/a", vm(jobId, "a", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE));
        store.apply("vm/job-3/b", vm(jobId, "b", 2, VmState.FAILING_BACK, Step.DETACH_FROM_MASTER_TARGET));
        store.apply("vm/job-3/c", vm(jobId, "c", 2, VmState.WAITING_FOR_GROUP, Step.NONE));

        String running = jobPage(jobId, JobStateStore.VmFilter.ALL);
        assertThat(running).contains("data-group=\"1\" data-done=\"1\" data-failed=\"0\" data-total=\"1\"")
                .contains("data-group=\"2\" data-done=\"0\" data-failed=\"0\" data-total=\"2\"")
                .containsPattern("id=\"commit\"[^>]* hidden>").doesNotContainPattern("id=\"cancel\"[^>]* hidden>");

        store.apply(Topics.jobStateKey(jobId), job(jobId, JobState.AWAITING_COMMIT, 3, 3, 0));
        assertThat(jobPage(jobId, JobStateStore.VmFilter.ALL)).doesNotContainPattern("id=\"commit\"[^>]* hidden>");
    }

    @Test
    void shouldListOnlyTheVmsOfTheChosenStateAndGroup() {
        String jobId = "job-4";
        store.apply(Topics.jobStateKey(jobId), job(jobId, JobState.RUNNING, 3, 0, 0));
        store.apply("vm/job-4/a", vm(jobId, "vm-a", 1, VmState.FAILING_BACK, Step.NONE));
        store.apply("vm/job-4/b", vm(jobId, "vm-b", 2, VmState.FAILING_BACK, Step.NONE));
        store.apply("vm/job-4/c", vm(jobId, "vm-c", 2, VmState.FAILED, Step.NONE));

        String html = jobPage(jobId, new JobStateStore.VmFilter(VmState.FAILING_BACK, 2));

        assertThat(html).contains("data-vm=\"vm-b\"").doesNotContain("data-vm=\"vm-a\"").doesNotContain("data-vm=\"vm-c\"")
                .contains("data-live=\"/jobs/job-4/events?state=FAILING_BACK&amp;group=2&amp;page=1\"");
    }

    @Test
    void shouldDefuseFormulaLikeCellsInTheCsvExport() {
        List<AuditRecord> trail = List.of(
                Statuses.audit("j", "vm-1", AuditKind.COMMAND, "=HYPERLINK(\"http://evil\",\"x\")", "+1", 1),
                Statuses.audit("j", "vm-1", AuditKind.RESULT, "@SUM(A1)", "line one\nline \"two\"", 2));

        String csv = AuditTrail.csv("j", trail);

        assertThat(csv.split("\r\n")).hasSize(3);
        assertThat(csv).contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"").contains("\"'+1\"").contains("\"'@SUM(A1)\"")
                .contains("\"line one\nline \"\"two\"\"\"");
    }

    @Test
    void shouldExportTheFilteredTrailAsJsonWithEveryField() {
        List<AuditRecord> trail = List.of(
                Statuses.audit("j", "vm-1", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", "", 1),
                Statuses.audit("j", "vm-2", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", "", 2),
                Statuses.audit("j", "vm-1", AuditKind.RESULT, "SHUT_DOWN_AZURE_VM OK", "", 3));

        String json = AuditTrail.json("j", AuditTrail.filter(trail, new AuditTrail.Filter("vm-1", AuditKind.RESULT)));

        assertThat(json).isEqualTo("[{\"jobId\":\"j\",\"at\":\"2026-11-30T08:00:03Z\",\"kind\":\"RESULT\",\"vmId\":\"vm-1\","
                + "\"commandId\":\"cmd-vm-1-3\",\"action\":\"SHUT_DOWN_AZURE_VM OK\",\"detail\":\"\",\"requestedBy\":\"ops-alice\"}]");
    }
}
