package io.failback.azure.commands;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.ReadAzureVm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedCommandRunnerTest {

    private static AzureCommand command(String commandId, String vmId) {
        return new AzureCommand(commandId, "job-" + commandId, vmId, Instant.EPOCH, new ReadAzureVm("/x/" + vmId));
    }

    private static AzureResult ok(AzureCommand c) {
        return new AzureResult(c.getCommandId(), c.getJobId(), c.getVmId(), AzureResultCode.OK, "", "", Instant.EPOCH, null);
    }

    @Test
    void shouldRunNoMoreOperationsAtOnceThanItsBoundAndAnswerEveryCommand() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<AzureCommand> commands = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            commands.add(command("c" + i, "vm" + i));
        }
        try (BoundedCommandRunner runner = new BoundedCommandRunner(3, c -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(60);
            running.decrementAndGet();
            return ok(c);
        })) {
            List<AzureResult> results = runner.runAll(commands);

            assertThat(results).extracting(AzureResult::getCommandId)
                    .containsExactlyInAnyOrderElementsOf(commands.stream().map(AzureCommand::getCommandId).toList());
            assertThat(peak.get()).isEqualTo(3);
        }
    }

    @Test
    void shouldRunTheCommandsOfOneVmOneAfterTheOtherInArrivalOrder() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger runningForVm = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<AzureCommand> commands = List.of(command("a1", "vmA"), command("b1", "vmB"), command("a2", "vmA"),
                command("a3", "vmA"), command("b2", "vmB"));
        try (BoundedCommandRunner runner = new BoundedCommandRunner(4, c -> {
            if (c.getVmId().equals("vmA") && runningForVm.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            order.add(c.getCommandId());
            sleep(30);
            if (c.getVmId().equals("vmA")) {
                runningForVm.decrementAndGet();
            }
            return ok(c);
        })) {
            runner.runAll(commands);
        }

        assertThat(overlaps.get()).isZero();
        assertThat(order.stream().filter(id -> id.startsWith("a")).toList()).containsExactly("a1", "a2", "a3");
        assertThat(order.stream().filter(id -> id.startsWith("b")).toList()).containsExactly("b1", "b2");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
