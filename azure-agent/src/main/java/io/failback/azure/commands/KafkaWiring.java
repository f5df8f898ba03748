package io.failback.azure.commands;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.failback.messages.AzureResult;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The agent's Kafka side. Why transactions: a batch's results and dead letters are committed with its
 * offsets in one Kafka transaction (Spring Boot's {@code KafkaTransactionManager}, from
 * {@code spring.kafka.producer.transaction-id-prefix}), so a crash between the two can neither lose a
 * command nor put one record on the dead-letter topic twice, and readers with read_committed never see
 * a result of a rolled-back attempt. The transaction opens on the first send, after the batch's Azure
 * operations, so it lasts milliseconds however long they take. A batch the listener can't finish gets a
 * bounded back-off, then its records go to the dead-letter topic in a transaction with the offsets; when
 * even that fails, nothing is committed and the batch is read again, so it is never skipped unrecorded.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaWiring {

    @Bean
    AnsweredCommands<AzureResult> answeredCommands(AgentProperties agent) {
        String events = Topics.AZURE_EVENTS.name();
        return new AnsweredCommands<>(agent.rememberedCommands(), agent.rememberedSize().toBytes(),
                result -> Topics.AZURE_EVENTS.valueSerde().serializer().serialize(events, result).length);
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(KafkaTemplate<byte[], byte[]> kafka) {
        return new DeadLetterPublisher(kafka, Topics.AZURE_COMMANDS_DLT, AzureCommandListener.SERVICE);
    }

    @Bean
    AzureCommandListener azureCommandListener(BoundedCommandRunner runner, KafkaTemplate<byte[], byte[]> kafka,
                                              DeadLetterPublisher deadLetterPublisher) {
        return new AzureCommandListener(runner, kafka, deadLetterPublisher);
    }

    /** Static membership when the instance has a name: a restart within the session timeout keeps its partitions. */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer staticMembership(AgentProperties agent) {
        return factory -> agent.instance().ifPresent(id -> factory.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id)));
    }

    /**
     * Transactional ids unique to this instance (two instances sharing one would fence each other): the
     * instance name, so a restart fences and aborts what its predecessor left open, or else a random one.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer instanceTransactionalIds(AgentProperties agent) {
        return factory -> {
            String prefix = factory.getTransactionIdPrefix();
            if (prefix == null) {
                throw new IllegalStateException("spring.kafka.producer.transaction-id-prefix must be set: results and offsets "
                        + "are committed in one transaction");
            }
            factory.setTransactionIdPrefix(prefix + agent.instance().orElseGet(() -> UUID.randomUUID().toString()) + "-");
            // a dead letter keeps the record it gives up on, up to what the catalog's dead-letter topics take
            factory.updateConfigs(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_REQUEST_BYTES));
        };
    }

    /** A batch listener's failed batch is given up on to the dead-letter topic once the back-off ends (else: retried for ever). */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> recoverBatchesAfterRollback() {
        return container -> container.getContainerProperties().setBatchRecoverAfterRollback(true);
    }

    /**
     * After a rolled-back batch (its results could not be published, say): the batch is read again after a
     * bounded back-off, then each record is given up on to the dead-letter topic, in a transaction with the offsets.
     */
    @Bean
    AfterRollbackProcessor<Object, Object> retryThenDeadLetter(DeadLetterPublisher deadLetters, KafkaTemplate<byte[], byte[]> kafka,
                                                              AgentProperties agent) {
        AtomicReference<DefaultAfterRollbackProcessor<Object, Object>> processor = new AtomicReference<>();
        processor.set(new DefaultAfterRollbackProcessor<>((record, e) -> {
            try {
                deadLetters.publish(record, e, "gave up on Azure command");
            } catch (RuntimeException failed) {
                // For a batch the processor keeps its spent back-off after a failed dead letter, and would give up
                // again at once on every later failure; forgetting it starts the bounded back-off over instead.
                processor.get().clearThreadState();
                throw failed;
            }
        }, backOff(agent.retry()), kafka, true));
        return processor.get();
    }

    static ExponentialBackOff backOff(AgentProperties.Retry retry) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxDelay().toMillis());
        backOff.setMaxElapsedTime(retry.giveUpAfter().toMillis());
        return backOff;
    }
}
