package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.failback.messages.AzureCommand;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InventoryRecord;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compacted job-state table, driven through the production topology: what a dashboard that starts late
 * reads (the last record per key) is the job's and each VM's latest status, as the status topic said it.
 */
class JobStateTopologyTest {

    private final Estate estate = new Estate();
    private TopologyTestDriver driver;

    @TempDir
    java.nio.file.Path stateDir;

    @BeforeEach
    void startDriver() {
        driver = FailbackTopologyTest.driver(SagaSettings.defaults(), stateDir, new Properties());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldHoldTheLatestStatusOfTheJobAndEachVmUnderTheirKeys() {
        // given two VMs failed back to awaiting commit, then committed
        failBackToAwaitingCommit("job-1");
        input(Topics.CONTROL).pipeInput("job-1", new ControlCommand("c-1", "job-1", ControlAction.COMMIT, "ops@example.org",
                Instant.ofEpochMilli(Estate.T0), null));
        answerEveryCommand();

        // when a dashboard reads the table from the start, keeping the last record per key (what compaction leaves)
        List<TestRecord<String, StatusEvent>> table = output(Topics.JOB_STATE).readRecordsToList();
        Map<String, StatusEvent> latest = new LinkedHashMap<>();
        table.forEach(r -> latest.put(r.key(), r.value()));

        // then it holds one row for the job and one per VM, each the latest status the status topic published
        assertThat(latest).containsOnlyKeys("job/job-1", "vm/job-1/vm-win", "vm/job-1/vm-lin");
        assertThat(latest.get("job/job-1").getJob().getState()).isEqualTo(JobState.COMPLETED);
        assertThat(latest.get("job/job-1").getJob().getVmsDone()).isEqualTo(2);
        assertThat(latest.get("vm/job-1/vm-win").getVm().getState()).isEqualTo(VmState.COMMITTED);
        assertThat(latest.get("vm/job-1/vm-lin").getVm().getState()).isEqualTo(VmState.COMMITTED);
        List<StatusEvent> statuses = output(Topics.STATUS).readValuesToList();
        assertThat(table).extracting(TestRecord::value).as("every status, in order, and nothing else").isEqualTo(statuses);
    }

    @Test
    void shouldKeepARefusedRequestsStatusUnderItsJobKey() {
        // given a request naming a VM id with a space in it
        FailbackRequest bad = Estate.request("job-bad", "vm bad").build();

        // when it is refused before reaching any job
        input(Topics.REQUESTS).pipeInput("job-bad", bad);

        // then the table shows the refusal as the job's latest status
        Map<String, StatusEvent> latest = new LinkedHashMap<>();
        output(Topics.JOB_STATE).readRecordsToList().forEach(r -> latest.put(r.key(), r.value()));
        assertThat(latest).containsKey("job/job-bad");
        assertThat(latest.get("job/job-bad").getJob().getState()).isEqualTo(JobState.REJECTED);
    }

    @Test
    void shouldPlaceEveryJobStateRecordOfAJobOnItsJobsPartition() {
        // given a job's statuses, its own and its VMs', as the topology sends them to the table
        failBackToAwaitingCommit("job-7");
        List<TestRecord<String, StatusEvent>> table = output(Topics.JOB_STATE).readRecordsToList();
        assertThat(table).extracting(TestRecord::key).contains("job/job-7", "vm/job-7/vm-win", "vm/job-7/vm-lin");

        // when the sink's partitioner places them
        // then each goes to the one partition the job's status records take, whatever its key
        for (TestRecord<String, StatusEvent> r : table) {
            assertThat(FailbackTopology.BY_JOB.partitions(Topics.JOB_STATE.name(), r.key(), r.value(), Topics.PARTITIONS))
                    .contains(java.util.Set.of(Topics.jobStatePartition("job-7", Topics.PARTITIONS)));
        }
        // and a record without a job is left to the default partitioner
        assertThat(FailbackTopology.BY_JOB.partitions(Topics.JOB_STATE.name(), "k", null, Topics.PARTITIONS)).isEmpty();
    }

    /** Job {@code jobId} of two VMs, vm-win and vm-lin, requested and every command answered: it awaits commit. */
    private void failBackToAwaitingCommit(String jobId) {
        estate.windows("vm-win").vm("vm-lin");
        seedInventory();
        input(Topics.REQUESTS).pipeInput(jobId, Estate.request(jobId, "vm-win", "vm-lin").build());
        answerEveryCommand();
    }

    private void answerEveryCommand() {
        DriverPeers.answerEveryCommand(driver, sent -> { });
    }

    private void seedInventory() {
        DriverPeers.seedInventory(driver, estate);
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return DriverPeers.input(driver, topic);
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return DriverPeers.output(driver, topic);
    }
}
