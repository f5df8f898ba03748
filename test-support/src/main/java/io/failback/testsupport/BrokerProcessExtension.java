package io.failback.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.failback.sandbox.kafka.CatalogTopics;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import org.springframework.util.FileSystemUtils;

/**
 * The standalone broker ({@link KafkaBrokerProcess}) on a fresh data directory with the topic catalog, for tests
 * that kill and restart the broker itself; the data directory is deleted when it stops. Plaintext: the explicit
 * local mode, as these tests are about the services, not the broker's security.
 */
public final class BrokerProcessExtension extends ManagedResource<KafkaBrokerProcess> {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    public BrokerProcessExtension() {
        super("the broker process", BrokerProcessExtension::start, BrokerProcessExtension::stop);
    }

    public String bootstrapServers() {
        return get().bootstrapServers();
    }

    private static KafkaBrokerProcess start() {
        try {
            KafkaBrokerProcess broker = KafkaBrokerProcess.on(Files.createTempDirectory("failback-broker-"), 0).plaintext().start(START_TIMEOUT);
            CatalogTopics.create(broker.bootstrapServers(), (short) 1);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stop(KafkaBrokerProcess broker) {
        broker.close();
        try {
            FileSystemUtils.deleteRecursively(broker.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
