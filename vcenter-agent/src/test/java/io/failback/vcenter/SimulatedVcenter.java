package io.failback.vcenter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.testsupport.ManagedResource;
import io.failback.vcenter.vsphere.VcenterOperations;

/**
 * Test fixture: the agent's command handler on a vCenter simulator of its own (configured as vCenter
 * {@value #VC}, trusted over verified TLS), with the tests' own view of that simulator. Registered with
 * {@code @RegisterExtension} on a static field, it runs for the test class and is stopped after it.
 */
final class SimulatedVcenter extends ManagedResource<SimulatedVcenter.Agent> {

    static final String VC = "vc01";

    /** The running simulator, the handler configured for it, and an independent session reading it. */
    record Agent(Vcsim vcsim, Inventory inventory, CommandHandler handler, VcenterClients clients, Path dir) {

        VcenterResult handle(VcenterCommand command) {
            return handler.handle(command);
        }
    }

    private SimulatedVcenter(UnaryOperator<Vcsim.Builder> configuration) {
        super("the agent on the vCenter simulator", () -> start(configuration), SimulatedVcenter::stop);
    }

    /** A simulator built by {@code configuration} from {@link Vcsim#builder()}, e.g. {@code b -> b.trace().seedJson(seed)}. */
    static SimulatedVcenter of(UnaryOperator<Vcsim.Builder> configuration) {
        return new SimulatedVcenter(configuration);
    }

    private static Agent start(UnaryOperator<Vcsim.Builder> configuration) {
        Vcsim vcsim = configuration.apply(Vcsim.builder()).start();
        Path dir = null;
        Inventory inventory = null;
        try {
            dir = Files.createTempDirectory("vcenter-agent-it-");
            inventory = new Inventory(vcsim);
            VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(Servers.trusting(VC, vcsim, dir))));
            return new Agent(vcsim, inventory, new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC()), clients, dir);
        } catch (Exception e) {
            if (inventory != null) {
                inventory.close();
            }
            vcsim.close();
            delete(dir);
            throw new IllegalStateException("the agent could not be set up on the vCenter simulator", e);
        }
    }

    private static void stop(Agent agent) {
        try {
            agent.clients().close();
            agent.inventory().close();
        } finally {
            agent.vcsim().close();
            delete(agent.dir());
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
