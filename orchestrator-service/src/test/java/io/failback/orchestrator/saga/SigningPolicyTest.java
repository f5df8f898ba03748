package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.failback.messages.AuditKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.schemas.signing.Roster;
import org.junit.jupiter.api.Test;

/**
 * The pure core's part of issue 15: the roster's plan rules and four-eyes commit, applied to the verified operator
 * the router wrote into {@code requestedBy}, and a control id a job already took refused as a replay.
 */
class SigningPolicyTest {

    private static Signing signing() {
        Properties p = new Properties();
        p.setProperty("operator.alice", "roles=requester,approver");
        p.setProperty("operator.bob", "roles=approver");
        p.setProperty("operator.eve", "roles=approver");
        p.setProperty("operator.dashboard", "roles=requester,approver; shared=true");
        p.setProperty("plan.erp-*", "allowed=alice,bob,dashboard; four-eyes=true");
        Roster roster = Roster.parse(p);
        return new Signing(true, roster, Duration.ofMinutes(5));
    }

    private static World awaitingCommit(String requester) {
        World w = new World(new Estate().plan("erp-prod", List.of(List.of("vm-a"))), signing());
        w.failBack(Estate.planRequest("job-1", "erp-prod").setRequestedBy(requester).build());
        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
        return w;
    }

    private static ControlCommand commit(String controlId, String by) {
        return new ControlCommand(controlId, "job-1", ControlAction.COMMIT, by, Instant.ofEpochMilli(Estate.T0), null);
    }

    private static ReasonCode refusal(Outbox out) {
        StatusEvent last = out.statuses.get(out.statuses.size() - 1);
        return last.getJob().getReasons().get(0).getCode();
    }

    @Test
    void shouldRefuseTheRequestersOwnCommitOfAFourEyesPlanAndChangeNothing() {
        World w = awaitingCommit("alice");

        Outbox own = w.control(commit("c-1", "alice"));

        assertThat(refusal(own)).isEqualTo(ReasonCode.FOUR_EYES_REQUIRED);
        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(own.azureCommands).isEmpty();
    }

    @Test
    void shouldRefuseACommitOfAFourEyesPlanThroughASharedIdentityAndChangeNothing() {
        World w = awaitingCommit("alice");

        Outbox shared = w.control(commit("c-1", "dashboard"));

        assertThat(refusal(shared)).isEqualTo(ReasonCode.FOUR_EYES_REQUIRED);
        assertThat(shared.statuses.get(shared.statuses.size() - 1).getJob().getReasons().get(0).getMessage())
                .contains("dashboard is a shared identity");
        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(w.job("job-1").approvedBy()).isNull();
        assertThat(shared.azureCommands).isEmpty();
    }

    @Test
    void shouldTakeAnotherApproversCommitAndRecordWhoApproved() {
        World w = awaitingCommit("alice");

        w.control(commit("c-1", "bob"));
        w.settle();

        assertThat(w.job("job-1").state()).isEqualTo(JobState.COMPLETED);
        assertThat(w.job("job-1").approvedBy()).isEqualTo("bob");
    }

    @Test
    void shouldRefuseAnApproverThePlanRulesLeaveOut() {
        World w = awaitingCommit("alice");

        Outbox out = w.control(commit("c-1", "eve"));

        assertThat(refusal(out)).isEqualTo(ReasonCode.NOT_PERMITTED);
        assertThat(out.audits).anySatisfy(a -> assertThat(a.getKind()).isEqualTo(AuditKind.REFUSAL));
        assertThat(w.job("job-1").state()).isEqualTo(JobState.AWAITING_COMMIT);
    }

    @Test
    void shouldRefuseAControlIdTheJobAlreadyTookAsReplayed() {
        World w = awaitingCommit("alice");
        w.control(new ControlCommand("c-1", "job-1", ControlAction.CANCEL, "alice", Instant.ofEpochMilli(Estate.T0), null));
        w.settle();
        JobState after = w.job("job-1").state();

        Outbox replay = w.control(new ControlCommand("c-1", "job-1", ControlAction.CANCEL, "alice", Instant.ofEpochMilli(Estate.T0), null));

        assertThat(refusal(replay)).isEqualTo(ReasonCode.REPLAYED);
        assertThat(w.job("job-1").state()).isEqualTo(after);
    }
}
