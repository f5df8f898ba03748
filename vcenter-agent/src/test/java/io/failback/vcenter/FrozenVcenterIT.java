package io.failback.vcenter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vCenter that hangs: the simulator takes 1.5 s for each ReconfigVM_Task and is frozen (SIGSTOP)
 * while the agent waits for one; the agent answers TIMEOUT at its deadline, and works again after the
 * thaw (SIGCONT). Also the per-vCenter bound on operations in flight.
 */
class FrozenVcenterIT {

    private static final String REPLICA = "[LocalDS_0] mt01/web01_1.vmdk";
    private static final Duration RECONFIG_DELAY = Duration.ofMillis(1500);

    @TempDir
    static Path dir;
    static Vcsim vcsim;
    static Inventory inventory;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.builder().trace().methodDelay("ReconfigVM_Task", RECONFIG_DELAY).seedJson("""
                {"masterTargets": [{"name": "mt01", "guestId": "rhel7_64Guest", "powerState": "poweredOn", "disks": ["%s"]}],
                 "vms": [{"name": "web01", "guestId": "windows8Server64Guest"},
                         {"name": "web02", "guestId": "windows8Server64Guest"},
                         {"name": "web03", "guestId": "windows8Server64Guest"}]}
                """.formatted(REPLICA)).start();
        inventory = new Inventory(vcsim);
    }

    @AfterAll
    static void stop() {
        if (vcsim != null) {
            vcsim.thaw();
            inventory.close();
            vcsim.close();
        }
    }

    @Test
    void shouldAnswerTimeoutWhenVcenterFreezesMidOperationAndWorkAgainAfterTheThaw() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        try (VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(Servers.trusting("vc01", vcsim, dir, 2, timeout))))) {
            CommandHandler handler = new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC());
            assertThat(handler.handle(Commands.checkConnection("vc01")).getCode()).isEqualTo(VcenterResultCode.OK);
            int reconfigs = vcsim.calls("ReconfigVM_Task");

            CompletableFuture<VcenterResult> detach = CompletableFuture.supplyAsync(
                    () -> handler.handle(Commands.detach("vc01", "mt01", List.of(REPLICA))));
            vcsim.awaitCalls("ReconfigVM_Task", reconfigs + 1, Duration.ofSeconds(10));
            vcsim.freeze();
            long frozenAt = System.nanoTime();
            VcenterResult timedOut = detach.get(20, TimeUnit.SECONDS);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
            vcsim.thaw();

            assertThat(timedOut.getCode()).as(timedOut.getMessage()).isEqualTo(VcenterResultCode.TIMEOUT);
            assertThat(timedOut.getMessage()).contains("detach disks from mt01").contains("no answer within 3000 ms");
            assertThat(waited).isLessThan(timeout.toMillis() + 2000);

            // After the thaw the simulator finishes the change it had received; the repeat finds it done.
            VcenterResult again = handler.handle(Commands.detach("vc01", "mt01", List.of(REPLICA)));
            assertThat(again.getCode()).as(again.getMessage()).isEqualTo(VcenterResultCode.OK);
            assertThat(inventory.diskFiles("mt01")).doesNotContain(REPLICA);
            VcenterResult attach = handler.handle(Commands.attach("vc01", "web01", List.of(REPLICA)));
            assertThat(attach.getCode()).as(attach.getMessage()).isEqualTo(VcenterResultCode.OK);
            assertThat(inventory.diskFiles("web01")).containsExactly(REPLICA);
        }
    }

    @Test
    void shouldRunNoMoreOperationsAtOnceOnOneVcenterThanConfigured() throws Exception {
        try (VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(
                Servers.trusting("vc01", vcsim, dir, 1, Duration.ofSeconds(20)))))) {
            CommandHandler handler = new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC());
            assertThat(handler.handle(Commands.checkConnection("vc01")).getCode()).isEqualTo(VcenterResultCode.OK);

            long start = System.nanoTime();
            List<CompletableFuture<VcenterResult>> both = List.of(
                    CompletableFuture.supplyAsync(() -> handler.handle(Commands.enableTools("vc01", "web02"))),
                    CompletableFuture.supplyAsync(() -> handler.handle(Commands.enableTools("vc01", "web03"))));
            CompletableFuture.allOf(both.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(both).extracting(f -> f.join().getCode()).containsOnly(VcenterResultCode.OK);
            // one at a time: the second ReconfigVM_Task starts only after the first one's 1.5 s
            assertThat(elapsed).isGreaterThanOrEqualTo(2 * RECONFIG_DELAY.toMillis());
            assertThat(inventory.toolsUpgradePolicy("web02")).isEqualTo("upgradeAtPowerCycle");
            assertThat(inventory.toolsUpgradePolicy("web03")).isEqualTo("upgradeAtPowerCycle");
        }
    }
}
