package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orchestrator as its own process (the service's jar) on a real broker, with the two agents played
 * in this JVM: killed with SIGKILL in the middle of a plan and started again on a fresh state directory,
 * it completes the plan, and the agents receive each command id exactly once. An ended job's VM records, forgotten after
 * the retention, stay forgotten across such a restart.
 */
class OrchestratorCrashIT {

    private static final int VMS = 30;

    @RegisterExtension
    static final OrchestratorEnvironment env = new OrchestratorEnvironment();
    private static Process orchestrator;

    @Test
    void shouldCompleteAPlanAcrossAKillAndARestartWithEachCommandDeliveredOnce() throws Exception {
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-crash", "vm", VMS / 3);
        env.harness().publishInventory(estate, "plan-crash");

        env.harness().killEveryInstance(); // this test is about one instance alone
        orchestrator = env.harness().startOrchestrator("run-1");
        env.harness().request(Estate.planRequest("job-crash", "plan-crash").setRequestedAt(Instant.now()).build());

        // mid-plan: the first group is well under way
        await().atMost(Duration.ofMinutes(3)).until(() -> env.harness().deliveries.size() >= 60);
        int deliveredAtKill = env.harness().deliveries.size();
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(orchestrator.isAlive()).isFalse();
        assertThat(env.harness().jobState("job-crash")).isNotEqualTo(JobState.AWAITING_COMMIT);

        orchestrator = env.harness().startOrchestrator("run-2");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState("job-crash") == JobState.AWAITING_COMMIT);

        System.out.printf("commands delivered: %d before the kill, %d in all%n", deliveredAtKill, env.harness().deliveries.size());
        assertThat(env.harness().deliveries.size()).as("commands after the restart").isGreaterThan(deliveredAtKill);
        assertThat(env.harness().deliveries).allSatisfy((id, count) -> assertThat(count.get()).as("deliveries of " + id).isEqualTo(1));
        for (String vm : vms) {
            assertThat(env.harness().lastVmState("job-crash", vm)).as(vm).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
            assertThat(env.harness().deliveries.keySet().stream().filter(id -> id.startsWith("job-crash:" + vm + ":"))
                    .map(World::stepOf).collect(Collectors.toList()))
                    .as(vm).contains(io.failback.messages.Step.SHUT_DOWN_AZURE_VM, io.failback.messages.Step.POWER_ON_ON_PREMISES_VM);
        }
    }

    @Test
    void shouldLetASecondInstanceFinishAPlanWhenTheFirstIsKilled() throws Exception {
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-two", "vm-b", 6);
        env.harness().publishInventory(estate, "plan-two");
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = env.harness().startOrchestrator("first");
        }
        Process second = env.harness().startOrchestrator("second");
        env.harness().request(Estate.planRequest("job-two", "plan-two").setRequestedAt(Instant.now()).build());

        await().atMost(Duration.ofMinutes(3)).until(() -> env.harness().commandsOf("job-two") >= 30);
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        orchestrator = second;

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState("job-two") == JobState.AWAITING_COMMIT);
        assertThat(env.harness().deliveries).allSatisfy((id, count) -> assertThat(count.get()).as("deliveries of " + id).isEqualTo(1));
        for (String vm : vms) {
            assertThat(env.harness().lastVmState("job-two", vm)).as(vm).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }
    }

    @Test
    void shouldSendAnUnreadableRequestToTheDeadLetterTopicAndGoOn() throws Exception {
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = env.harness().startOrchestrator("run-dlt");
        }
        byte[] garbage = "{\"requestId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        env.harness().send(Topics.REQUESTS.name(), "job-garbage", garbage);
        env.harness().request(Estate.request("job-unknown", "vm-nobody-knows").setRequestedAt(Instant.now()).build());

        await().atMost(Duration.ofMinutes(2))
                .until(() -> !env.harness().deadLetters.isEmpty() && env.harness().jobState("job-unknown") == JobState.REJECTED);
        ConsumerRecord<byte[], byte[]> dead = env.harness().deadLetters.get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS.name());
        assertThat(header(dead, DeadLetterHeaders.SERVICE)).isEqualTo("orchestrator-service");
    }

    @Test
    void shouldRunAPlanWhoseRequestAndCommitSitOnPartitionsAnotherClientsPartitionerChose() throws Exception {
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-anywhere", "vm-p", 2);
        env.harness().publishInventory(estate, "plan-anywhere");
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = env.harness().startOrchestrator("run-anywhere");
        }
        String jobId = "job-anywhere";
        int javaPartition = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % Topics.REQUESTS.partitions();
        byte[] request = Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(),
                Estate.planRequest(jobId, "plan-anywhere").setRequestedAt(Instant.now()).build());

        // the same request twice, each time on a partition the Java client would not pick
        env.harness().send(Topics.REQUESTS.name(), (javaPartition + 1) % Topics.REQUESTS.partitions(), jobId, request);
        env.harness().send(Topics.REQUESTS.name(), (javaPartition + 2) % Topics.REQUESTS.partitions(), jobId, request);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState(jobId) == JobState.AWAITING_COMMIT);
        ControlCommand commit = new ControlCommand("commit-anywhere", jobId, ControlAction.COMMIT, "it", Instant.now(), null);
        env.harness().send(Topics.CONTROL.name(), (javaPartition + 3) % Topics.CONTROL.partitions(), jobId,
                Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), commit));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState(jobId) == JobState.COMPLETED);
        assertThat(env.harness().deliveries).as("one job, so each command once").allSatisfy((id, count) -> assertThat(count.get()).isEqualTo(1));
        for (String vm : vms) {
            assertThat(env.harness().lastVmState(jobId, vm)).as(vm).isEqualTo(VmState.COMMITTED);
        }
    }

    @Test
    void shouldRefuseAHugeHostileRequestByNameAndGoOn() throws Exception {
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = env.harness().startOrchestrator("run-hostile");
        }
        FailbackRequest hostile = Estate.request("job-hostile", "v".repeat(450_000))
                .setRequestedBy("mallory\n2026-11-30 ERROR forged " + "m".repeat(450_000)).setRequestedAt(Instant.now()).build();

        env.harness().request(hostile);
        env.harness().request(Estate.request("job-after-hostile", "vm-nobody-knows").setRequestedAt(Instant.now()).build());

        await().atMost(Duration.ofMinutes(2)).until(() -> env.harness().jobState("job-after-hostile") == JobState.REJECTED);
        assertThat(env.harness().jobState("job-hostile")).isEqualTo(JobState.REJECTED);
        assertThat(env.harness().statuses).filteredOn(s -> s.getJobId().equals("job-hostile")).singleElement().satisfies(s -> {
            assertThat(s.getJob().getReasons()).singleElement().satisfies(r -> {
                assertThat(r.getCode()).isEqualTo(io.failback.messages.ReasonCode.INVALID_FIELD);
                assertThat(r.getMessage()).contains("requestedBy", "vmIds").hasSizeLessThan(2_000);
            });
            assertThat(s.getJob().getRequestedBy()).doesNotContain("\n");
        });
        assertThat(orchestrator.isAlive()).isTrue();
    }

    @Test
    void shouldKeepServingWhenTheInventoryAndRecoveryPointTopicsCarryUnreadableRecords() throws Exception {
        if (orchestrator == null || !orchestrator.isAlive()) {
            orchestrator = env.harness().startOrchestrator("run-global");
        }
        byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        env.harness().send(Topics.INVENTORY.name(), "item/vm-garbage", garbage);
        env.harness().send(Topics.RECOVERY_POINTS.name(), "vm-garbage/rp-1", garbage);
        Estate estate = new Estate();
        OrchestratorHarness.threeGroupPlan(estate, "plan-after-garbage", "vm-g", 1);
        env.harness().publishInventory(estate, "plan-after-garbage");

        env.harness().request(Estate.planRequest("job-after-garbage", "plan-after-garbage").setRequestedAt(Instant.now()).build());

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState("job-after-garbage") == JobState.AWAITING_COMMIT);
        assertThat(orchestrator.isAlive()).isTrue();
    }

    @Test
    void shouldForgetAnEndedJobsVmRecordsAfterTheRetentionAndKeepThemForgottenAcrossARestart() throws Exception {
        // given an orchestrator keeping an ended job's VM records for 5 s, and a plan of three VMs run to COMPLETED
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-forget", "vm-f", 1);
        env.harness().publishInventory(estate, "plan-forget");
        env.harness().killEveryInstance();
        String retention = "--failback.orchestrator.ended-job-retention=5s";
        orchestrator = env.harness().startOrchestrator("run-retention", retention);
        String jobId = "job-forget";
        FailbackRequest request = Estate.planRequest(jobId, "plan-forget").setRequestedAt(Instant.now()).build();
        env.harness().request(request);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState(jobId) == JobState.AWAITING_COMMIT);
        env.harness().send(Topics.CONTROL.name(), jobId, Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(),
                new ControlCommand("commit-forget", jobId, ControlAction.COMMIT, "it", Instant.now(), null)));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> env.harness().jobState(jobId) == JobState.COMPLETED);

        // then, once the retention has passed since its end, one audit record says its VM records were forgotten
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> forgotten(jobId).size() == 1);
        assertThat(forgotten(jobId).get(0).getDetail()).contains("3 VM(s)", "COMPLETED", "ended more than 5 seconds ago");
        // and the latest record of each of its VMs on both changelogs is a tombstone: no restore brings one back
        for (String changelog : List.of("failback-orchestrator-job-vms-changelog", "failback-orchestrator-job-vm-facts-changelog")) {
            Map<String, byte[]> latest = env.harness().latestByKey(changelog);
            for (String vm : vms) {
                assertThat(latest).as(changelog + ": " + vm).containsKey(jobId + "/" + vm);
                assertThat(latest.get(jobId + "/" + vm)).as(changelog + ": " + vm).isNull();
            }
        }

        // when the orchestrator starts again on a fresh state directory (restored from the changelogs) and the same
        // request comes again
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Map<String, Integer> delivered = env.harness().deliveries.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        orchestrator = env.harness().startOrchestrator("run-retention-2", retention);
        env.harness().request(request);

        // then the job's header answers it, still COMPLETED, no command is sent, and nothing more is said of its VMs
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> env.harness().audits.stream()
                .anyMatch(a -> jobId.equals(a.getJobId()) && a.getAction().equals("repeated request ignored")));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> forgotten(jobId).size() == 1);
        assertThat(env.harness().jobState(jobId)).isEqualTo(JobState.COMPLETED);
        assertThat(env.harness().deliveries.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())))
                .isEqualTo(delivered);
        orchestrator.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // the other tests run on the default retention
        orchestrator = null;
    }

    private static List<io.failback.messages.AuditRecord> forgotten(String jobId) {
        return env.harness().audits.stream()
                .filter(a -> jobId.equals(a.getJobId()) && a.getAction().equals("ended job's VM records forgotten")).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
