package io.failback.testsupport;

import java.util.Map;

import io.failback.sandbox.kafka.CatalogTopics;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real KRaft broker inside the test JVM (spring-kafka-test's {@link EmbeddedKafkaKraftBroker}) with
 * every catalog topic created and auto-create off. Transactions work on one broker: the transaction
 * log gets a replication factor and minimum ISR of 1 (its defaults, 3 and 2, make exactly-once wait forever).
 */
public final class InJvmKafka {

    private InJvmKafka() {
    }

    /**
     * Starts the broker; the caller closes it with {@link EmbeddedKafkaKraftBroker#destroy()}. A test class
     * that needs it for all its tests registers {@link InJvmKafkaExtension} instead.
     */
    public static EmbeddedKafkaKraftBroker start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "6",
                "offsets.topic.num.partitions", "6",
                "group.initial.rebalance.delay.ms", "0"));
        broker.afterPropertiesSet();
        CatalogTopics.create(broker.getBrokersAsString(), (short) 1);
        return broker;
    }
}
