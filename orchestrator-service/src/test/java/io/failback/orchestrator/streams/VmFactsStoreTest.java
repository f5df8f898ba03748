package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.failback.messages.AzureCommand;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.VmState;
import io.failback.messages.state.StoredVmFacts;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.VmJob;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's facts (its target, its Azure VM's disks and NICs) are stored apart from its part of the job, through the
 * production topology: written when learnt and not at each step, and put back together by a processor that starts
 * on the stores with nothing in memory (after a crash, on another instance).
 */
class VmFactsStoreTest {

    private static final String APP = "failback-orchestrator-test";

    private final Estate estate = new Estate();
    /** The orchestrator under test, started on a state directory of its own by {@link #failBackToAwaitingCommit}. */
    private TopologyTestDriver driver;

    @TempDir
    java.nio.file.Path stateDirs;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldWriteEachVmsFactsWhenLearntAndItsStepsWithoutThem() {
        // given two VMs failed back to awaiting commit
        failBackToAwaitingCommit();

        // when the changelogs of the two stores are read
        Map<String, List<byte[]>> progress = changelog(StoreNames.JOB_VMS);
        Map<String, List<byte[]>> facts = changelog(StoreNames.JOB_VM_FACTS);

        // then each VM's steps were written many times, none of them with its facts
        assertThat(progress).containsOnlyKeys("job-1/vm-win", "job-1/vm-lin");
        progress.forEach((key, writes) -> {
            assertThat(writes).as(key + "'s writes").hasSizeGreaterThan(5);
            assertThat(writes).extracting(bytes -> StateSerde.STORED_VM.deserializer().deserialize("job-vms", bytes))
                    .allSatisfy(stored -> {
                        assertThat(stored.getTarget()).isNull();
                        assertThat(stored.getAzureDiskIds()).isEmpty();
                        assertThat(stored.getAzureNicIds()).isEmpty();
                    });
        });
        // and its facts at most twice (its target at preflight, the Azure VM's ids when read), the last holding both
        assertThat(facts).containsOnlyKeys("job-1/vm-win", "job-1/vm-lin");
        facts.forEach((key, writes) -> {
            assertThat(writes).as(key + "'s facts").hasSizeBetween(1, 2);
            StoredVmFacts last = StateSerde.VM_FACTS.deserializer().deserialize("job-vm-facts", writes.get(writes.size() - 1));
            String vmId = key.substring("job-1/".length());
            assertThat(last.getTarget().getOnPremisesVm()).isNotBlank();
            assertThat(last.getAzureDiskIds()).isEqualTo(World.azureDisksOf(vmId));
            assertThat(last.getAzureNicIds()).containsExactly(World.azureNicOf(vmId));
        });
    }

    @Test
    void shouldReadEachVmWholeOnAProcessorStartedOnTheStores() {
        // given two VMs failed back to awaiting commit
        failBackToAwaitingCommit();

        // when a processor starts on the stores, nothing of them in memory
        KeyValueJobStore restarted = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS),
                driver.getKeyValueStore(StoreNames.JOB_VMS), driver.getKeyValueStore(StoreNames.JOB_VM_FACTS),
                driver.getKeyValueStore(StoreNames.JOB_WORK));

        // then it reads each VM with the facts stored apart from it
        for (String vmId : List.of("vm-win", "vm-lin")) {
            VmJob vm = restarted.vm("job-1", vmId);
            StoredVmFacts stored = driver.<String, StoredVmFacts>getKeyValueStore(StoreNames.JOB_VM_FACTS).get("job-1/" + vmId);
            assertThat(vm.state()).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(StoredStateMapping.facts(vm)).isEqualTo(stored);
            assertThat(vm.target().windows()).isEqualTo(vmId.equals("vm-win"));
            assertThat(vm.azureDiskIds()).isEqualTo(World.azureDisksOf(vmId));
        }
    }

    @Test
    void shouldNameTheStoredDisksAndNicsInTheDeleteOnCommitOnAnotherInstance() {
        // given two VMs awaiting commit, and the stores' bytes moved to an orchestrator started on them (another instance)
        failBackToAwaitingCommit();
        Map<String, Map<Bytes, byte[]>> stores = new java.util.LinkedHashMap<>();
        for (String store : List.of(StoreNames.JOBS, StoreNames.JOB_VMS, StoreNames.JOB_VM_FACTS, StoreNames.VM_CLAIMS)) {
            Map<Bytes, byte[]> records = new java.util.LinkedHashMap<>();
            try (KeyValueIterator<Bytes, byte[]> it = bytesOf(store).all()) {
                it.forEachRemaining(kv -> records.put(kv.key, kv.value));
            }
            stores.put(store, records);
        }
        driver.close();
        driver = FailbackTopologyTest.driver(SagaSettings.defaults(), stateDirs.resolve("another"), new Properties());
        DriverPeers.seedInventory(driver, estate);
        stores.forEach((store, records) -> records.forEach(bytesOf(store)::put));

        // when the job is committed there
        DriverPeers.input(driver, Topics.CONTROL).pipeInput("job-1", new ControlCommand("c-1", "job-1", ControlAction.COMMIT,
                "ops@example.org", Instant.ofEpochMilli(Estate.T0), null));

        // then each delete names what the Azure VM's read found, kept in the facts store alone
        List<AzureCommand> deletes = DriverPeers.output(driver, Topics.AZURE_COMMANDS).readValuesToList().stream()
                .filter(c -> c.getOperation() instanceof DeleteAzureVm).toList();
        assertThat(deletes).extracting(AzureCommand::getVmId).containsExactlyInAnyOrder("vm-win", "vm-lin");
        assertThat(deletes).allSatisfy(c -> {
            DeleteAzureVm delete = (DeleteAzureVm) c.getOperation();
            assertThat(delete.getManagedDiskIds()).isEqualTo(World.azureDisksOf(c.getVmId()));
            assertThat(delete.getNetworkInterfaceIds()).containsExactly(World.azureNicOf(c.getVmId()));
        });
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> bytesOf(String store) {
        // the typed store is Streams' metered layer over the bytes store that the changelog restores into
        return ((WrappedStateStore<KeyValueStore<Bytes, byte[]>, ?, ?>) (Object) driver.getKeyValueStore(store)).wrapped();
    }

    /** Every write to {@code store}'s changelog so far, per key, in order. */
    private Map<String, List<byte[]>> changelog(String store) {
        return driver.createOutputTopic(APP + "-" + store + "-changelog", new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().stream()
                .collect(Collectors.groupingBy(TestRecord::key, java.util.TreeMap::new,
                        Collectors.mapping(TestRecord::value, Collectors.toList())));
    }

    private void failBackToAwaitingCommit() {
        driver = FailbackTopologyTest.driver(SagaSettings.defaults(), stateDirs.resolve("first"), new Properties());
        estate.windows("vm-win").vm("vm-lin");
        DriverPeers.seedInventory(driver, estate);
        DriverPeers.input(driver, Topics.REQUESTS).pipeInput("job-1", Estate.request("job-1", "vm-win", "vm-lin").build());
        DriverPeers.answerEveryCommand(driver, sent -> { });
    }
}
