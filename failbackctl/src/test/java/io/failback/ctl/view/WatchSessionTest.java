package io.failback.ctl.view;

import static io.failback.ctl.view.StatusEvents.appConsistent;
import static io.failback.ctl.view.StatusEvents.reason;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;

import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

class WatchSessionTest {

    private final StatusEvents e = new StatusEvents("job-a");
    private final StatusEvents other = new StatusEvents("job-other");

    private static WatchSession watching(boolean untilDone) {
        return new WatchSession("job-a", untilDone, new Reports(ZoneOffset.UTC));
    }

    /** A session that has read job-a running in its first group and caught up. */
    private WatchSession caughtUpOnARunningJob(boolean untilDone) {
        WatchSession session = watching(untilDone);
        session.accept(List.of(e.job(JobState.RUNNING, 1, 0, 0)), true);
        return session;
    }

    @Test
    void shouldShowThePresentStateOnceWhenCaughtUpNotEveryPastTransition() {
        // given
        WatchSession session = watching(false);
        List<StatusEvent> history = List.of(
                e.job(JobState.RUNNING, 1, 0, 0),
                e.vm("web01", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM),
                other.job(JobState.FAILED, 0, 0, 1),
                e.vm("web01", 1, VmState.FAILING_BACK, Step.DETACH_FROM_MASTER_TARGET));

        // when
        WatchSession.Update reading = session.accept(history, false);
        WatchSession.Update caughtUp = session.accept(List.of(), true);

        // then
        assertThat(reading.lines()).isEmpty();
        assertThat(caughtUp.lines()).containsExactly(
                "10:00:00  job job-a  RUNNING  group 1/2  0/3 done  0 failed",
                "10:00:02  web01  group 1  FAILING_BACK  DETACH_FROM_MASTER_TARGET");
        assertThat(caughtUp.progress()).containsExactly("group 1  [....................]  0/1 done");
        assertThat(caughtUp.finished()).isFalse();
    }

    @Test
    void shouldPrintAVmLineOnlyWhenItsStateStepOrReasonsChange() {
        // given
        WatchSession session = caughtUpOnARunningJob(false);

        // when
        WatchSession.Update update = session.accept(List.of(
                e.vm("web01", 1, VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM),
                e.vm("web01", 1, VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM),
                e.job(JobState.RUNNING, 1, 0, 0),
                e.vm("web01", 1, VmState.FAILING_BACK, Step.POWER_ON_ON_PREMISES_VM)), true);

        // then
        assertThat(update.lines()).containsExactly(
                "10:00:01  web01  group 1  FAILING_BACK  ATTACH_TO_ON_PREMISES_VM",
                "10:00:04  web01  group 1  FAILING_BACK  POWER_ON_ON_PREMISES_VM");
    }

    @Test
    void shouldNotStopAtAnAwaitingCommitThatIsAlreadyPast() {
        // given a job that awaited commit and is now committing
        WatchSession session = watching(false);
        List<StatusEvent> history = List.of(e.job(JobState.AWAITING_COMMIT, 2, 3, 0), e.job(JobState.COMMITTING, 2, 3, 0));

        // when
        WatchSession.Update midway = session.accept(history.subList(0, 1), false);
        WatchSession.Update caughtUp = session.accept(history.subList(1, 2), true);

        // then
        assertThat(midway.finished()).isFalse();
        assertThat(caughtUp.finished()).isFalse();
    }

    @Test
    void shouldStopAtAwaitingCommitAsSuccessUnlessFollowingUntilDone() {
        // given
        List<StatusEvent> events = List.of(
                e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-1", null, 61_000)),
                e.job(JobState.AWAITING_COMMIT, 2, 1, 0));

        // when
        WatchSession.Update stopping = watching(false).accept(events, true);
        WatchSession.Update following = watching(true).accept(events, true);

        // then
        assertThat(stopping.finished()).isTrue();
        assertThat(stopping.finalState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(Outcomes.successful(stopping.finalState())).isTrue();
        assertThat(stopping.summary()).anySatisfy(l -> assertThat(l).contains("web01", "rp-1 app-consistent", "1m 01s"));
        assertThat(following.finished()).isFalse();
    }

    @Test
    void shouldEndWithTheReasonsWhenTheJobIsRolledBack() {
        // given
        WatchSession session = caughtUpOnARunningJob(true);

        // when
        WatchSession.Update update = session.accept(List.of(
                e.vm("web01", 1, VmState.ROLLED_BACK, Step.NONE, reason(ReasonCode.STEP_FAILED, "attach failed")),
                e.job(JobState.ROLLED_BACK, 1, 0, 1, reason(ReasonCode.STEP_FAILED, "web01: attach failed"))), true);

        // then
        assertThat(update.finished()).isTrue();
        assertThat(update.finalState()).isEqualTo(JobState.ROLLED_BACK);
        assertThat(Outcomes.successful(update.finalState())).isFalse();
        assertThat(update.lines()).containsExactly(
                "10:00:01  web01  group 1  ROLLED_BACK  STEP_FAILED: attach failed",
                "10:00:02  job job-a  ROLLED_BACK  group 1/2  0/3 done  1 failed  STEP_FAILED: web01: attach failed");
        assertThat(update.progress()).containsExactly("group 1  [xxxxxxxxxxxxxxxxxxxx]  0/1 done  1 failed");
        assertThat(update.summary()).contains("job job-a: ROLLED_BACK", "  reason STEP_FAILED: web01: attach failed");
    }

    @Test
    void shouldKnowWhetherTheJobWasSeenAtAll() {
        // given
        WatchSession session = watching(false);

        // when
        WatchSession.Update update = session.accept(List.of(other.job(JobState.RUNNING, 1, 0, 0)), true);

        // then
        assertThat(session.jobSeen()).isFalse();
        assertThat(update.lines()).isEmpty();
        assertThat(update.finished()).isFalse();
    }
}
