package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.ChosenPoint;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.Reason;
import io.failback.orchestrator.saga.Target;
import io.failback.orchestrator.saga.VmJob;
import org.junit.jupiter.api.Test;

/**
 * A state store written before {@link Job} and {@link VmJob} became records still loads: the JSON here is
 * what the mutable classes stored (captured from them), read back through the store's serde.
 */
class StoredStateBeforeRecordsTest {

    @Test
    void shouldLoadAJobStoredByTheMutableClass() throws IOException {
        // given a job header as the orchestrator stored it before the records
        byte[] stored = resource("job-before-records.json");

        // when a restarted orchestrator loads it
        Job job = StateSerde.JOB.deserializer().deserialize("jobs", stored);

        // then every field is back, and storing it again loads the same job
        assertThat(job).isEqualTo(new Job("job-7", "ops@example.org", "plan-1", "vms=[] plan=plan-1",
                RecoveryPointKind.LATEST, CommitPolicyKind.AUTO_COMMIT, 60, "ps-1", JobState.RUNNING, 2, 2, 1,
                List.of(1, 1), List.of(0, 0), Map.of(VmState.FAILING_BACK, 1, VmState.WAITING_FOR_GROUP, 1), 0, 0,
                false, false, List.of(new Reason(ReasonCode.STEP_FAILED, "x")), 1700000000000L));
        assertThat(StateSerde.JOB.deserializer().deserialize("jobs", StateSerde.JOB.serializer().serialize("jobs", job)))
                .isEqualTo(job);
    }

    @Test
    void shouldLoadAVmStoredByTheMutableClassWithItsPendingCommandsInOrder() throws IOException {
        // given a VM's record as the orchestrator stored it before the records, a command in flight
        byte[] stored = resource("vmjob-before-records.json");

        // when a restarted orchestrator loads it
        VmJob vm = StateSerde.VM.deserializer().deserialize("job-vms", stored);

        // then the step in flight, its undo and the Azure resources to delete on commit are all back
        assertThat(vm).isEqualTo(new VmJob("job-7", "vm-a", 2, VmState.FAILING_BACK, Step.DETACH_FROM_MASTER_TARGET,
                new Target("vc1", "mt1", "vm-a-onprem", List.of("[ds] a/a.vmdk"), "/sub/vm-a", "rg-dr", true, "ps-1"),
                new ChosenPoint("rp-1", 1699999990000L, Consistency.CRASH_CONSISTENT, null, 10000L), List.of(),
                Map.of("job-7:vm-a:3:DETACH_FROM_MASTER_TARGET", Step.DETACH_FROM_MASTER_TARGET), true, true, 3, 1,
                1700000120000L, List.of(Step.ROLLBACK_START_AZURE_VM), false,
                new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "c"), false, false, 0, 0, List.of("/disk/os"),
                List.of("/nic/1")));
        assertThat(StateSerde.VM.deserializer().deserialize("job-vms", StateSerde.VM.serializer().serialize("job-vms", vm)))
                .isEqualTo(vm);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StoredStateBeforeRecordsTest.class.getResourceAsStream("/stored-state/" + name)) {
            return in.readAllBytes();
        }
    }
}
