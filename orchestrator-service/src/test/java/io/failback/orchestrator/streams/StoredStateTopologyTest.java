package io.failback.orchestrator.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.failback.messages.AzureCommand;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology production runs over stores this version did not write: an orchestrator upgraded in the
 * middle of a job, whose stores hold what the previous version wrote ({@code state/v0-stores-committing.tsv},
 * every record of the job, VM, timer and claim stores as the version before the state schema left them
 * after a commit whose Azure deletes were not answered yet), and a store holding a corrupt record.
 */
class StoredStateTopologyTest {

    private static final java.time.Duration TICK = java.time.Duration.ofSeconds(1);

    private final SagaSettings settings = SagaSettings.defaults();
    private TopologyTestDriver driver;

    @TempDir
    java.nio.file.Path stateDir;

    @BeforeEach
    void startDriver() {
        Properties more = new Properties();
        more.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RecordingDeadLetters.class.getName());
        RecordingDeadLetters.DEAD.clear();
        driver = FailbackTopologyTest.driver(settings, stateDir, more);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldFinishACommitThePreviousVersionStartedFromTheStoresItWrote() {
        // given the stores as the previous version left them: job-1 committing, a delete pending for each VM
        loadStores(new String(LegacyStateJsonTest.fixture("v0-stores-committing.tsv"), StandardCharsets.UTF_8));

        // when the pending deletes time out and are sent again, and the Azure agent answers them
        driver.advanceWallClockTime(settings.azureStepTimeout().plus(TICK));
        List<AzureCommand> resent = driver.createOutputTopic(Topics.AZURE_COMMANDS.name(),
                Topics.AZURE_COMMANDS.keySerde().deserializer(), Topics.AZURE_COMMANDS.valueSerde().deserializer()).readValuesToList();
        resent.forEach(c -> input(Topics.AZURE_EVENTS).pipeInput(c.getJobId(), World.okFor(c)));

        // then the deletes are the ones pending in the stored VMs (same ids, so the agent can tell a repeat), naming the
        // disks and NICs the previous version recorded
        assertThat(resent).extracting(AzureCommand::getCommandId)
                .containsExactlyInAnyOrder("job-1:vm-win:9:DELETE_AZURE_VM", "job-1:vm-lin:8:DELETE_AZURE_VM");
        assertThat(resent).allSatisfy(c -> {
            DeleteAzureVm delete = (DeleteAzureVm) c.getOperation();
            assertThat(delete.getManagedDiskIds()).isEqualTo(World.azureDisksOf(c.getVmId()));
            assertThat(delete.getNetworkInterfaceIds()).containsExactly(World.azureNicOf(c.getVmId()));
        });
        // and the job completes, its records now stored in the state schema
        List<StatusEvent> statuses = driver.createOutputTopic(Topics.STATUS.name(), Topics.STATUS.keySerde().deserializer(),
                Topics.STATUS.valueSerde().deserializer()).readValuesToList();
        assertThat(statuses.stream().filter(e -> e.getJob() != null).reduce((a, b) -> b).orElseThrow().getJob().getState())
                .isEqualTo(JobState.COMPLETED);
        assertThat(bytesOf(StoreNames.JOBS).get(key("job-1"))).startsWith(0xC3, 0x01);
        assertThat(bytesOf(StoreNames.JOB_VMS).get(key("job-1/vm-win"))).startsWith(0xC3, 0x01);
    }

    @Test
    void shouldDeadLetterTheInputWhoseStoredJobIsCorruptNamingTheProblemAndGoOn() {
        // given a job whose stored header is bytes that no version wrote
        bytesOf(StoreNames.JOBS).put(key("job-1"), "job-1 RUNNING".getBytes(StandardCharsets.UTF_8));

        // when a commit for it arrives, then a request for another job
        input(Topics.CONTROL).pipeInput("job-1", new ControlCommand("c-1", "job-1", ControlAction.COMMIT, "ops@example.org",
                Instant.ofEpochMilli(Estate.T0), null));
        input(Topics.REQUESTS).pipeInput("job-2", Estate.request("job-2", "vm-unknown").build());

        // then the commit is dead-lettered with the store's problem named, and the next request is processed
        assertThat(RecordingDeadLetters.DEAD).singleElement().satisfies(dead -> {
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("job-1");
            assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.PROBLEM).value(), StandardCharsets.UTF_8))
                    .isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
        });
        List<StatusEvent> statuses = driver.createOutputTopic(Topics.STATUS.name(), Topics.STATUS.keySerde().deserializer(),
                Topics.STATUS.valueSerde().deserializer()).readValuesToList();
        assertThat(statuses).extracting(StatusEvent::getJobId).containsOnly("job-2");
    }

    /** The production handler, keeping what it dead-letters: TopologyTestDriver drops dead-letter records. */
    public static final class RecordingDeadLetters implements ProcessingExceptionHandler {

        static final List<ProducerRecord<byte[], byte[]>> DEAD = new CopyOnWriteArrayList<>();

        private final DeadLetterHandler handler = new DeadLetterHandler();

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            Response response = handler.handleError(context, record, exception);
            DEAD.addAll(response.deadLetterQueueRecords());
            return response;
        }

        @Override
        public void configure(java.util.Map<String, ?> configs) {
            // nothing to configure, as for the handler it wraps
        }
    }

    /** Puts each {@code store <TAB> key <TAB> value} line's bytes into the store as they were, below its serde. */
    private void loadStores(String dump) {
        for (String line : dump.split("\n")) {
            String[] parts = line.split("\t", -1);
            if (parts[0].equals("timers")) {
                continue; // that version's timer index: this one indexes the deadlines of the stored jobs and VMs
            }
            bytesOf(parts[0]).put(key(parts[1]), parts[2].getBytes(StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> bytesOf(String store) {
        // the typed store is Streams' metered layer over the bytes store that the changelog restores into
        return ((WrappedStateStore<KeyValueStore<Bytes, byte[]>, ?, ?>) (Object) driver.getKeyValueStore(store)).wrapped();
    }

    private static Bytes key(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    private <V> org.apache.kafka.streams.TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                Instant.ofEpochMilli(Estate.T0), java.time.Duration.ZERO);
    }
}
