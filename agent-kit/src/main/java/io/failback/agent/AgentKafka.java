package io.failback.agent;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The Kafka side both agents share, imported by each agent's own wiring (which adds its listener, its
 * answer memory and its dead-letter publisher). Why transactions: a result (or dead letter) and the
 * command's offset are committed in one Kafka transaction (Spring Boot's {@code KafkaTransactionManager},
 * from {@code spring.kafka.producer.transaction-id-prefix}), so a crash between the two can neither lose a
 * command nor put one record on the dead-letter topic twice, and readers with read_committed never see a
 * result of a rolled-back attempt. The transaction opens on the first send, after the vCenter or Azure
 * operation, so it lasts milliseconds however long the operation takes. What the listener can't answer
 * gets a bounded back-off, then the dead-letter topic in a transaction with the offset; when even that
 * fails, nothing is committed and the record is read again, so it is never skipped unrecorded.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
public class AgentKafka {

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
     * And requests as large as a dead letter of the largest record the catalog's topics take.
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
            factory.updateConfigs(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_REQUEST_BYTES));
        };
    }

    /**
     * After a rolled-back attempt (a result could not be published, say): the record, or a batch listener's
     * batch, is read again after a bounded back-off, then given up on to the dead-letter topic, in a
     * transaction with the offsets.
     */
    @Bean
    AfterRollbackProcessor<Object, Object> retryThenDeadLetter(DeadLetterPublisher deadLetters, KafkaTemplate<byte[], byte[]> kafka,
                                                              AgentProperties agent) {
        AtomicReference<DefaultAfterRollbackProcessor<Object, Object>> processor = new AtomicReference<>();
        processor.set(new DefaultAfterRollbackProcessor<>((record, e) -> {
            try {
                deadLetters.publish(record, e, "gave up on command");
            } catch (RuntimeException failed) {
                // The processor keeps its spent back-off after a failed dead letter (for a batch) and would give up
                // again at once on every later failure; forgetting it starts the bounded back-off over instead.
                processor.get().clearThreadState();
                throw failed;
            }
        }, backOff(agent.retry()), kafka, true));
        return processor.get();
    }

    /** A consumer that stops abnormally ends the process with 70, for its supervisor to restart it. */
    @Bean
    ExitOnConsumerFailure exitOnConsumerFailure(org.springframework.context.ConfigurableApplicationContext context) {
        return new ExitOnConsumerFailure(code -> System.exit(org.springframework.boot.SpringApplication.exit(context, () -> code)));
    }

    static ExponentialBackOff backOff(AgentProperties.Retry retry) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxDelay().toMillis());
        backOff.setMaxElapsedTime(retry.giveUpAfter().toMillis());
        return backOff;
    }
}
