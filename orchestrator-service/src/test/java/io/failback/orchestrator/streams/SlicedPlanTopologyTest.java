package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.failback.messages.AzureCommand;
import io.failback.messages.InventoryRecord;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.VmClaim;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.Followup;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's side of a plan larger than one call's slice, driven by {@link TopologyTestDriver}: the request
 * sends the first slice's claims and checks, the job's work left is kept in the job-work store, and the work
 * punctuator takes on one slice per tick until none is left.
 */
class SlicedPlanTopologyTest {

    private static final int SLICE = 10;
    private static final int VMS = 25;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldSendALargeRequestsChecksASliceAtATimeAsTheWorkPunctuatorTakesThemOn() {
        Estate estate = new Estate();
        List<String> vmIds = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            vmIds.add(String.format("vm-%02d", i));
            estate.vm(vmIds.get(i));
        }
        Properties props = FailbackTopology.requiredConfig();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failback-orchestrator-sliced-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(FailbackTopology.build(new Orchestrator(SagaSettings.defaults(), SLICE), Duration.ofSeconds(1)),
                props, Instant.ofEpochMilli(Estate.T0));
        TestInputTopic<String, InventoryRecord> inventory = input(Topics.INVENTORY);
        estate.items.forEach((vm, item) -> inventory.pipeInput(InventoryKeys.item(vm), new InventoryRecord(item)));
        estate.heartbeats.forEach((cs, hb) -> inventory.pipeInput(InventoryKeys.configServer(cs), new InventoryRecord(hb)));
        TestInputTopic<String, RecoveryPoint> points = input(Topics.RECOVERY_POINTS);
        estate.points.forEach((vm, list) -> list.forEach(p -> points.pipeInput(InventoryKeys.recoveryPoint(vm, p.getPointId()), p)));
        KeyValueStore<String, List<Followup.Resume>> work = driver.getKeyValueStore(StoreNames.JOB_WORK);

        input(Topics.REQUESTS).pipeInput("job-big", Estate.request("job-big", vmIds.toArray(String[]::new)).build());

        List<VmClaim> claims = new ArrayList<>(output(Topics.VM_CLAIMS).readValuesToList());
        List<AzureCommand> checks = new ArrayList<>(output(Topics.AZURE_COMMANDS).readValuesToList());
        assertThat(claims).as("claims sent with the request").hasSize(SLICE);
        assertThat(checks).as("Azure checks sent with the request").hasSize(SLICE);
        assertThat(work.get("job-big")).as("the work left, kept with the job").isNotEmpty();
        assertThat(new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS), driver.getKeyValueStore(StoreNames.JOB_VMS),
                driver.getKeyValueStore(StoreNames.JOB_VM_FACTS), work)
                .jobsWithWork())
                .as("what a processor started again on these stores (after a crash, on another instance) goes on with")
                .containsExactly("job-big");

        driver.advanceWallClockTime(JobProcessor.WORK_TICK);
        assertThat(output(Topics.AZURE_COMMANDS).readValuesToList()).as("the next slice, one tick later").hasSize(SLICE);
        driver.advanceWallClockTime(JobProcessor.WORK_TICK);
        driver.advanceWallClockTime(JobProcessor.WORK_TICK);

        assertThat(output(Topics.AZURE_COMMANDS).readValuesToList()).as("the rest").hasSize(VMS - 2 * SLICE);
        claims.addAll(output(Topics.VM_CLAIMS).readValuesToList());
        assertThat(claims).extracting(VmClaim::getVmId).as("every VM claimed once").containsExactlyInAnyOrderElementsOf(vmIds);
        assertThat(work.get("job-big")).as("no work left").isNull();

        KeyValueJobStore restarted = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS),
                driver.getKeyValueStore(StoreNames.JOB_VMS), driver.getKeyValueStore(StoreNames.JOB_VM_FACTS), work);
        assertThat(restarted.takeDue(Estate.T0, VMS)).as("what a processor started again on these stores finds due now").isEmpty();
        assertThat(restarted.takeDue(Long.MAX_VALUE, 2 * VMS)).extracting(due -> due[1])
                .as("the deadline of every VM awaiting its checks, indexed again from the stored VMs, each once")
                .containsExactlyInAnyOrderElementsOf(vmIds);
        assertThat(restarted.takeDue(Long.MAX_VALUE, VMS)).as("taken").isEmpty();
        // a VM stored again at the deadline it was taken at is due again, and once however often it is stored before
        io.failback.orchestrator.saga.VmJob again = restarted.vm("job-big", vmIds.get(0));
        restarted.put(again);
        restarted.flush();
        restarted.put(again);
        restarted.flush();
        assertThat(restarted.takeDue(Long.MAX_VALUE, VMS)).extracting(due -> due[1]).containsExactly(vmIds.get(0));
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                Instant.ofEpochMilli(Estate.T0), Duration.ZERO);
    }

    private <V> org.apache.kafka.streams.TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
