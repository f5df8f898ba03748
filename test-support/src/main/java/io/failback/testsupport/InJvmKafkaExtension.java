package io.failback.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The in-JVM broker with the topic catalog ({@link InJvmKafka}) for a test class or a test. */
public final class InJvmKafkaExtension extends ManagedResource<EmbeddedKafkaKraftBroker> {

    public InJvmKafkaExtension() {
        super("the in-JVM broker", InJvmKafka::start, EmbeddedKafkaKraftBroker::destroy);
    }

    public String bootstrapServers() {
        return get().getBrokersAsString();
    }
}
