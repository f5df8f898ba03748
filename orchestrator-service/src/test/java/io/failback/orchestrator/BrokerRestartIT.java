package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.World;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import io.failback.testsupport.BrokerProcessExtension;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN section 4: a restart of the broker loses no job and repeats no step. The standalone broker is
 * killed with SIGKILL in the middle of a plan and started again on the same data directory and port;
 * the orchestrator process rides it out, the plan reaches commit, and the commit deletes each Azure VM
 * once. Agents may see a command again (their offsets were not committed when the broker went), which
 * is what their idempotence is for; the orchestrator never issues a step twice.
 */
class BrokerRestartIT {

    @TempDir
    static Path work;

    @RegisterExtension
    static final BrokerProcessExtension brokerProcess = new BrokerProcessExtension();
    private static KafkaBrokerProcess broker;
    private static OrchestratorHarness harness;

    @BeforeAll
    static void start() throws Exception {
        broker = brokerProcess.get();
        harness = new OrchestratorHarness(broker.bootstrapServers(), work);
        harness.startOrchestrator("orchestrator");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldFinishAPlanAndItsCommitAcrossABrokerKilledMidPlanWithNoStepIssuedTwice() throws Exception {
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-restart", "vm-r", 8);
        harness.publishInventory(estate, "plan-restart");
        harness.request(Estate.planRequest("job-restart", "plan-restart").setRequestedAt(Instant.now()).build());

        await().atMost(Duration.ofMinutes(3)).until(() -> harness.commandsOf("job-restart") >= 40);
        long issuedAtKill = harness.commandsOf("job-restart");
        killAndRestartBroker();

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.jobState("job-restart") == JobState.AWAITING_COMMIT);
        ControlCommand commit = new ControlCommand("commit-restart", "job-restart", ControlAction.COMMIT, "it", Instant.now(), null);
        harness.send(Topics.CONTROL.name(), "job-restart", Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), commit));
        // and again while the Azure VMs are being deleted, the one irreversible step
        await().atMost(Duration.ofMinutes(3)).until(() -> deletesIssued() >= 6);
        long deletesAtKill = deletesIssued();
        killAndRestartBroker();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.jobState("job-restart") == JobState.COMPLETED);

        System.out.printf("commands issued: %d before the first broker kill, %d deletes before the second, %d in all;"
                        + " delivered %d times%n", issuedAtKill, deletesAtKill, harness.commandsOf("job-restart"),
                harness.deliveries.entrySet().stream().filter(e -> e.getKey().startsWith("job-restart:"))
                        .mapToInt(e -> e.getValue().get()).sum());
        assertThat(harness.commandsOf("job-restart")).as("commands after the restart").isGreaterThan(issuedAtKill);
        for (String vm : vms) {
            assertThat(harness.lastVmState("job-restart", vm)).as(vm).isEqualTo(VmState.COMMITTED);
            Map<Step, Long> idsPerStep = harness.deliveries.keySet().stream()
                    .filter(id -> id.startsWith("job-restart:" + vm + ":"))
                    .collect(Collectors.groupingBy(World::stepOf, Collectors.counting()));
            assertThat(idsPerStep).as("command ids per step of " + vm)
                    .containsKeys(Step.SHUT_DOWN_AZURE_VM, Step.POWER_ON_ON_PREMISES_VM, Step.DELETE_AZURE_VM)
                    .allSatisfy((step, ids) -> assertThat(ids).as(vm + " " + step).isEqualTo(1L));
        }
        assertThat(harness.deadLetters).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).isEmpty();
    }

    private static long deletesIssued() {
        return harness.deliveries.keySet().stream()
                .filter(id -> id.startsWith("job-restart:") && World.stepOf(id) == Step.DELETE_AZURE_VM).count();
    }

    private static void killAndRestartBroker() {
        broker.kill();
        assertThat(broker.isAlive()).isFalse();
        broker.start(Duration.ofMinutes(2)); // a new JVM: the broker is away for some seconds
    }
}
