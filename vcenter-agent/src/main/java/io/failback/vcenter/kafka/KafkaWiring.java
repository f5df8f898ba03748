package io.failback.vcenter.kafka;

import java.util.Map;
import java.util.UUID;

import io.failback.messages.VcenterResult;
import io.failback.schemas.Topics;
import io.failback.vcenter.CommandHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The agent's Kafka side. Why transactions: the result (or dead letter) and the command's offset are
 * committed in one Kafka transaction (Spring Boot's {@code KafkaTransactionManager}, from
 * {@code spring.kafka.producer.transaction-id-prefix}), so a crash between the two can neither lose a
 * command nor put one record on the dead-letter topic twice, and readers with read_committed never see
 * a result of a rolled-back attempt. The transaction opens on the first send, after the vCenter operation,
 * so it lasts milliseconds however long the operation takes. What the listener can't answer gets a bounded
 * back-off, then the dead-letter topic in a transaction with the offset; when even that fails, nothing
 * is committed and the record is read again, so it is never skipped unrecorded.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaWiring {

    @Bean
    AnsweredCommands<VcenterResult> answeredCommands(AgentProperties agent) {
        String events = Topics.VCENTER_EVENTS.name();
        return new AnsweredCommands<>(agent.rememberedCommands(), agent.rememberedSize().toBytes(),
                result -> Topics.VCENTER_EVENTS.valueSerde().serializer().serialize(events, result).length);
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(KafkaTemplate<byte[], byte[]> kafka) {
        return new DeadLetterPublisher(kafka, Topics.VCENTER_COMMANDS_DLT, CommandListener.SERVICE);
    }

    @Bean
    CommandListener commandListener(CommandHandler handler, AnsweredCommands<VcenterResult> answeredCommands,
                                    KafkaTemplate<byte[], byte[]> kafka, DeadLetterPublisher deadLetterPublisher) {
        return new CommandListener(handler, answeredCommands, kafka, deadLetterPublisher);
    }

    /**
     * Static membership when the instance has a name: a restart within the session timeout gets its
     * partitions back without a rebalance. (With several consumer threads Spring adds -0, -1, ... to each.)
     */
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

    /**
     * After a rolled-back attempt (the result could not be published, say): the record is read again after
     * a bounded back-off, then given up on to the dead-letter topic, in a transaction with its offset.
     */
    @Bean
    AfterRollbackProcessor<Object, Object> retryThenDeadLetter(DeadLetterPublisher deadLetters, KafkaTemplate<byte[], byte[]> kafka,
                                                              AgentProperties agent) {
        return new DefaultAfterRollbackProcessor<>((record, e) -> deadLetters.publish(record, e, "gave up on command"),
                backOff(agent.retry()), kafka, true);
    }

    static ExponentialBackOff backOff(AgentProperties.Retry retry) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxDelay().toMillis());
        backOff.setMaxElapsedTime(retry.giveUpAfter().toMillis());
        return backOff;
    }
}
