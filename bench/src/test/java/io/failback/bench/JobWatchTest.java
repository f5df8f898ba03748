package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.JobStatus;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The watch tells a job's own status from a VM's by the record's first fields, as the full decoding would. */
class JobWatchTest {

    private static final Instant AT = Instant.ofEpochMilli(1_790_000_000_000L);

    @Test
    void shouldTellAJobsStatusFromAVmsWithoutDecodingIt() {
        // given a job's status and a VM's, encoded as the orchestrator writes them
        StatusEvent job = new StatusEvent("bench-n300", AT, new JobStatus(JobState.COMPLETED, "bench-n300", "bench", "plan-n300",
                RecoveryPointKind.LATEST, CommitPolicyKind.AUTO_COMMIT, 300, 3, 3, 300, 0, List.of(), "auto-commit"), null);
        StatusEvent vm = new StatusEvent("bench-n300", AT, null, new VmStatus("vm-1", 1, VmState.COMMITTED, Step.DELETE_AZURE_VM,
                null, List.of(), null));

        // when the watch looks at their bytes
        // then it takes the job's for a job status and the VM's not, and bytes it can't read for one (decoded, they fail)
        assertThat(JobWatch.isJobStatus(encode(job))).isTrue();
        assertThat(JobWatch.isJobStatus(encode(vm))).isFalse();
        assertThat(JobWatch.isJobStatus(new byte[] {1, 2, 3})).isTrue();
    }

    private static byte[] encode(StatusEvent e) {
        return Topics.STATUS.valueSerde().serializer().serialize(Topics.STATUS.name(), e);
    }
}
