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
import io.failback.orchestrator.saga.VmJob;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
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
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldSendALargeRequestsChecksASliceAtATimeAsTheWorkPunctuatorTakesThemOn() {
        List<String> vmIds = startDriver();
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

    @Test
    void shouldListAJobsVmsASliceAtATimeInTheStoresOrderAsStoredSinceTheFirstListing() {
        // given a plan's VMs stored by its request
        List<String> vmIds = startDriver();
        input(Topics.REQUESTS).pipeInput("job-big", Estate.request("job-big", vmIds.toArray(String[]::new)).build());
        KeyValueJobStore store = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS), driver.getKeyValueStore(StoreNames.JOB_VMS),
                driver.getKeyValueStore(StoreNames.JOB_VM_FACTS), driver.getKeyValueStore(StoreNames.JOB_WORK));

        // when they are listed seven at a time, each page after the last VM of the one before
        // then every VM comes once, in the store's order
        assertThat(pages(store, 7)).containsExactlyElementsOf(vmIds);
        assertThat(store.vmIds("job-big")).containsExactlyElementsOf(vmIds);
        assertThat(store.vmIdsAfter("job-big", "vm-10x", 3)).as("after an id not stored: from the next one stored")
                .containsExactly("vm-11", "vm-12", "vm-13");
        assertThat(store.vmIdsAfter("job-big", vmIds.get(VMS - 1), 3)).as("after the last").isEmpty();
        assertThat(store.vmIdsAfter("job-other", null, 3)).as("a job with no VMs").isEmpty();

        // and a VM stored once the job was listed is listed in its place, by this store and one started on the same stores
        VmJob first = store.vm("job-big", "vm-05");
        store.put(renamed(first, "vm-05a"));
        store.flush();
        List<String> withIt = new ArrayList<>(vmIds);
        withIt.add(6, "vm-05a");
        assertThat(pages(store, 4)).containsExactlyElementsOf(withIt);
        KeyValueJobStore restarted = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS),
                driver.getKeyValueStore(StoreNames.JOB_VMS), driver.getKeyValueStore(StoreNames.JOB_VM_FACTS),
                driver.getKeyValueStore(StoreNames.JOB_WORK));
        assertThat(pages(restarted, 10)).containsExactlyElementsOf(withIt);
        // and one put in this record's handling, not yet written, is listed too (written first)
        store.put(renamed(first, "vm-00a"));
        assertThat(store.vmIdsAfter("job-big", "vm-00", 2)).containsExactly("vm-00a", "vm-01");
    }

    @Test
    void shouldOrderVmIdsAsTheStoreOrdersTheirKeysUtf8Bytes() {
        // ids drawn from ASCII, Latin-1, the BMP below and above the surrogates, and beyond the BMP (surrogate pairs)
        String[] alphabet = {"a", "Z", "-", "0", "\u00e9", "\u4e2d", "\ud7ff", "\ue000", "\ufffd", "\ud83d\ude00", "\ud800\udc00"};
        java.util.Random random = new java.util.Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            String a = draw(random, alphabet);
            String b = draw(random, alphabet);
            int bytes = java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Integer.signum(KeyValueJobStore.CODE_POINT_ORDER.compare(a, b))).as("%s against %s", a, b)
                    .isEqualTo(Integer.signum(bytes));
        }
    }

    private static String draw(java.util.Random random, String[] alphabet) {
        StringBuilder s = new StringBuilder("vm-");
        for (int n = random.nextInt(5); n > 0; n--) {
            s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }

    private static List<String> pages(KeyValueJobStore store, int size) {
        List<String> all = new ArrayList<>();
        List<String> page = store.vmIdsAfter("job-big", null, size);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(size);
            all.addAll(page);
            page = store.vmIdsAfter("job-big", page.get(page.size() - 1), size);
        }
        return all;
    }

    private static VmJob renamed(VmJob v, String vmId) {
        return new VmJob(v.jobId(), vmId, v.group(), v.state(), v.step(), v.target(), v.point(), v.reasons(), v.pending(),
                v.claimAnswered(), v.claimed(), v.sequence(), v.attempts(), v.deadline(), v.compensations(), v.cancelRequested(),
                v.rollbackReason(), v.poweredOnVerified(), v.disksVerified(), v.reprotectUntil(), v.reprotectRefusals(),
                v.azureDiskIds(), v.azureNicIds(), v.appliedPoint(), v.shutdownAt(), v.pointRechosen());
    }

    /** The orchestrator on a test driver, sliced by {@link #SLICE}, with {@link #VMS} VMs in its inventory: their ids. */
    private List<String> startDriver() {
        Estate estate = new Estate();
        List<String> vmIds = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            vmIds.add(String.format("vm-%02d", i));
            estate.vm(vmIds.get(i));
        }
        driver = FailbackTopologyTest.driver(new Orchestrator(SagaSettings.defaults(), SLICE), stateDir, new Properties());
        TestInputTopic<String, InventoryRecord> inventory = input(Topics.INVENTORY);
        estate.items.forEach((vm, item) -> inventory.pipeInput(InventoryKeys.item(vm), new InventoryRecord(item)));
        estate.heartbeats.forEach((cs, hb) -> inventory.pipeInput(InventoryKeys.configServer(cs), new InventoryRecord(hb)));
        TestInputTopic<String, RecoveryPoint> points = input(Topics.RECOVERY_POINTS);
        estate.points.forEach((vm, list) -> list.forEach(p -> points.pipeInput(InventoryKeys.recoveryPoint(vm, p.getPointId()), p)));
        return vmIds;
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                Instant.ofEpochMilli(Estate.T0), Duration.ZERO);
    }

    private <V> org.apache.kafka.streams.TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
