package io.failback.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmStatus;
import org.junit.jupiter.api.Test;

/** What the catalog creates for auditors and dashboards: a long-kept audit trail, and a compacted job-state table. */
class TopicRetentionTest {

    @Test
    void shouldKeepTheAuditTrailSevenYearsWhateverTheBrokersDefault() {
        assertThat(Topics.AUDIT.configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(2557).toMillis()))
                .containsEntry("cleanup.policy", "delete");
        assertThat(Topics.STATUS.configs()).doesNotContainKey("retention.ms");
    }

    @Test
    void shouldKeyTheJobStateTableByJobAndByVmSoCompactionKeepsEachOnesLatest() {
        // given a job's status and one of its VMs'
        StatusEvent job = StatusEvent.newBuilder().setJobId("job-1").setAt(java.time.Instant.EPOCH)
                .setJob(JobStatus.newBuilder().setState(JobState.RUNNING).setRequestId("job-1").setRequestedBy("a")
                        .setRecoveryPoint(io.failback.messages.RecoveryPointKind.LATEST)
                        .setCommitPolicy(io.failback.messages.CommitPolicyKind.MANUAL).setTotalVms(1).setGroupCount(1)
                        .setVmsDone(0).setVmsFailed(0).build()).build();
        StatusEvent vm = StatusEvent.newBuilder().setJobId("job-1").setAt(java.time.Instant.EPOCH)
                .setVm(VmStatus.newBuilder().setVmId("vm-a").setGroup(1).setState(io.failback.messages.VmState.READY)
                        .setStep(io.failback.messages.Step.NONE).build()).build();

        // then each goes under its own key of the compacted table
        assertThat(Topics.jobStateKey(job)).isEqualTo("job/job-1");
        assertThat(Topics.jobStateKey(vm)).isEqualTo("vm/job-1/vm-a");
        assertThat(Topics.JOB_STATE.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldPutEveryJobStateRecordOfAJobOnThePartitionItsStatusTakes() {
        java.util.Random random = new java.util.Random(7);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            // given any job id
            String jobId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-" + i;

            // when its job-state records are placed
            int partition = Topics.jobStatePartition(jobId, Topics.PARTITIONS);

            // then they take the partition the default partitioner gives its status records (key = job id)
            int statusPartition = org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                    jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8), Topics.PARTITIONS);
            assertThat(partition).isEqualTo(statusPartition);
            seen.add(partition);
        }
        // and jobs still spread over every partition
        assertThat(seen).hasSize(Topics.PARTITIONS);
    }
}
