package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.failback.messages.AuditKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.JobState;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

/** The one entry point with inputs that belong to no job, or to no job here: each is answered, none is lost. */
class OrchestratorTest {

    private final World w = new World(new Estate().vm("a"));

    @Test
    void shouldAuditAResultForAJobItDoesNotKnowAndStoreNothing() {
        // given no job at all
        VcenterResult late = VcenterResult.newBuilder().setCommandId("job-9:a:3:POWER_ON_ON_PREMISES_VM").setJobId("job-9")
                .setVmId("a").setCode(VcenterResultCode.OK).setMessage("").setCompletedAt(Instant.ofEpochMilli(Estate.T0)).build();

        // when an agent's answer for one arrives
        Outbox out = w.deliver(late);

        // then it is audited as stale, nothing is sent and no job appears
        assertThat(out.audits).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AuditKind.STALE_RESULT);
            assertThat(a.getDetail()).isEqualTo("vCenter OK");
        });
        assertThat(out.vcenterCommands).isEmpty();
        assertThat(w.store.jobs).isEmpty();
    }

    @Test
    void shouldRefuseAControlCommandRoutedUnderAnotherJobsKey() {
        // given a job awaiting commit
        w.failBack(Estate.request("job-1", "a").build());

        // when a commit for it arrives under another job's key
        Outbox out = w.handle("job-2", new OrchestratorInput(new ControlCommand("c1", "job-1", ControlAction.COMMIT,
                "ops@example.org", Instant.ofEpochMilli(Estate.T0), null), null));

        // then it is refused by name and the job still waits for its commit
        assertThat(out.audits).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AuditKind.REFUSAL);
            assertThat(a.getDetail()).contains("routed under another job's key");
        });
        assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
    }

    @Test
    void shouldRouteNowhereAReplicationResultThatNamesNoJobAndSayWhy() {
        // when the replication engine answers with a job id no job can have
        Orchestrator.Route route = w.orchestrator.route("x", new ReplicationResult("c", "bad id with spaces", "a",
                ReplicationResultCode.OK, "", Instant.ofEpochMilli(Estate.T0), null), Estate.T0);

        // then it goes to no job, and the audit says it was ignored
        assertThat(route.jobId()).isNull();
        assertThat(route.refusal().audits).singleElement()
                .satisfies(a -> assertThat(a.getKind()).isEqualTo(AuditKind.STALE_RESULT));
    }

    @Test
    void shouldIgnoreADueTimerOfAJobThatIsGoneAndRefuseAnInputOfNoKnownKind() {
        // when a timer comes due for a job the store no longer holds, and a record of no known kind arrives
        Outbox timer = w.handle("job-gone", new Orchestrator.TimerDue("job-gone", "a"));

        // then the timer changes nothing, and the unknown record is refused by name (the processor dead-letters it)
        assertThat(timer.audits).isEmpty();
        assertThat(timer.statuses).isEmpty();
        assertThatThrownBy(() -> w.handle("k", "not a message")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected record type java.lang.String");
    }
}
