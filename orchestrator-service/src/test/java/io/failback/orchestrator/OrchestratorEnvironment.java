package io.failback.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.failback.testsupport.InJvmKafka;
import io.failback.testsupport.ManagedResource;
import org.apache.kafka.common.utils.Utils;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What a test of the orchestrator's jar as a process needs, as one JUnit extension: the in-JVM broker with the
 * catalog, a work directory for the processes' logs and state, and the {@link OrchestratorHarness} (agents, watches)
 * on them; all stopped after the class, even when a test fails.
 */
final class OrchestratorEnvironment extends ManagedResource<OrchestratorEnvironment.Running> {

    record Running(EmbeddedKafkaKraftBroker broker, Path work, OrchestratorHarness harness) {
    }

    OrchestratorEnvironment() {
        super("the orchestrator's broker and harness", OrchestratorEnvironment::start, OrchestratorEnvironment::stop);
    }

    OrchestratorHarness harness() {
        return get().harness();
    }

    /** Where the processes' logs ({@code NAME.log}) and state directories are. */
    Path work() {
        return get().work();
    }

    String bootstrapServers() {
        return get().broker().getBrokersAsString();
    }

    private static Running start() {
        EmbeddedKafkaKraftBroker broker = InJvmKafka.start();
        try {
            Path work = Files.createTempDirectory("orchestrator-it");
            return new Running(broker, work, new OrchestratorHarness(broker.getBrokersAsString(), work));
        } catch (IOException | RuntimeException e) {
            broker.destroy();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static void stop(Running running) {
        try {
            running.harness().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.broker().destroy();
            try {
                Utils.delete(running.work().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
