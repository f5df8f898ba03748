package io.failback.agent;

import java.util.Map;
import java.util.UUID;

import io.failback.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The agent skeleton: everything an agent does on the Kafka side, configured once for an agent that
 * declares an {@link AgentSpec} bean (its topics and its {@link CommandHandler}) and imports this class.
 * <ul>
 * <li>Consumer: read_committed (a command of an aborted transaction is never run), no auto-commit, the
 * command type read by the bounded {@code AvroSerde} inside Spring Kafka's {@link ErrorHandlingDeserializer};
 * static membership when the instance is named. Producer: transactional, acks=all.</li>
 * <li>One record listener ({@link CommandListener}) on a container from Boot's factory, so with Boot's
 * {@code KafkaTransactionManager}: a result and the command's offset are committed in one transaction, and
 * readers with read_committed never see a result of a rolled-back attempt. {@code spring.kafka.listener.concurrency}
 * consumer threads bound the operations in flight; one VM's commands share a partition, so they run in order.</li>
 * <li>Idempotency by command id ({@link AnsweredCommands}).</li>
 * <li>Failures: with a transaction manager on the container, Spring Kafka hands a failed record to the
 * {@link AfterRollbackProcessor}, not to a {@code DefaultErrorHandler}; so the bounded back-off and the give-up
 * live in a {@link DefaultAfterRollbackProcessor} whose recoverer is a {@code DeadLetterPublishingRecoverer}
 * ({@link DeadLetterRecoverer}), run in a new transaction that also commits the recovered offset. An unreadable
 * record is not retryable (Spring's default classification of a {@code DeserializationException}): it is
 * dead-lettered at once. When even the dead letter fails, nothing is committed and the record is read again,
 * after the whole back-off, so it is never skipped unrecorded.</li>
 * <li>A consumer that stops abnormally ends the process with 70 ({@link ExitOnConsumerFailure}).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
public class AgentKafka {

    /**
     * Read committed commands, keys as bytes (kept byte for byte in a dead letter), values decoded to the
     * command type or, when they can't be, kept as bytes for the dead letter; and static membership when the
     * instance has a name: a restart within the session timeout gets its partitions back without a rebalance.
     * (With several consumer threads Spring adds -0, -1, ... to the instance id.)
     */
    @Bean
    DefaultKafkaConsumerFactoryCustomizer agentConsumer(AgentSpec<?, ?> agent, AgentProperties properties) {
        return factory -> {
            factory.updateConfigs(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
            properties.instance().ifPresent(id -> factory.updateConfigs(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id)));
            factory.setKeyDeserializerSupplier(() -> cast(new ByteArrayDeserializer()));
            factory.setValueDeserializerSupplier(() -> cast(new ErrorHandlingDeserializer<>(
                    new CommandDeserializer<>(agent.commands().valueSerde().deserializer()))));
        };
    }

    /**
     * Transactional ids unique to this instance (two instances sharing one would fence each other): the
     * instance name, so a restart fences and aborts what its predecessor left open, or else a random one.
     * Requests as large as a dead letter of the largest record the catalog's topics take. Values: the
     * result type; the bytes of an unreadable record, as read; or a command given up on, encoded again by the
     * topic's serde (byte for byte what the orchestrator wrote with the current schema; a command written
     * with an older released schema is dead-lettered in the current one).
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer agentProducer(AgentSpec<?, ?> agent, AgentProperties properties) {
        return factory -> {
            String prefix = factory.getTransactionIdPrefix();
            if (prefix == null) {
                throw new IllegalStateException("spring.kafka.producer.transaction-id-prefix must be set: results and offsets "
                        + "are committed in one transaction");
            }
            factory.setTransactionIdPrefix(prefix + properties.instance().orElseGet(() -> UUID.randomUUID().toString()) + "-");
            factory.updateConfigs(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_REQUEST_BYTES, ProducerConfig.ACKS_CONFIG, "all"));
            factory.setKeySerializerSupplier(() -> cast(new DelegatingByTypeSerializer(Map.of(
                    String.class, new StringSerializer(), byte[].class, new ByteArraySerializer()))));
            factory.setValueSerializerSupplier(() -> cast(valueSerializer(agent)));
        };
    }

    /** After a rolled-back attempt: the record is read again after a bounded back-off, then dead-lettered with its offset. */
    @Bean
    AfterRollbackProcessor<Object, Object> retryThenDeadLetter(AgentSpec<?, ?> agent, KafkaTemplate<?, ?> kafka,
                                                              AgentProperties properties) {
        return new DefaultAfterRollbackProcessor<>(new DeadLetterRecoverer(agent, kafka, properties.retry().maxDelay()),
                backOff(properties.retry()), kafka, true);
    }

    /**
     * Instead of Boot's logging one, which would print a refused result or command whole and unescaped (its
     * fields come from outside): the skeleton logs every failure itself, with the record's place and escaped.
     */
    @Bean
    ProducerListener<Object, Object> quietProducerListener() {
        return new ProducerListener<>() {
        };
    }

    @Bean
    AnsweredCommands<?> answeredCommands(AgentSpec<?, ?> agent, AgentProperties properties) {
        return answered(agent, properties);
    }

    /** The command topic's listener container, from Boot's factory (transaction manager, after-rollback processor, concurrency). */
    @Bean
    ConcurrentMessageListenerContainer<Object, Object> commandListenerContainer(AgentSpec<?, ?> agent,
            ConcurrentKafkaListenerContainerFactory<?, ?> factory, AnsweredCommands<?> answeredCommands,
            ProducerFactory<?, ?> producers, ProducerListener<Object, Object> quietProducerListener) {
        ConcurrentMessageListenerContainer<Object, Object> container = cast(factory.createContainer(agent.commands().name()));
        container.getContainerProperties().setMessageListener(listener(agent, answeredCommands, producers, quietProducerListener));
        return container;
    }

    /** A consumer that stops abnormally ends the process with 70, for its supervisor to restart it. */
    @Bean
    ExitOnConsumerFailure exitOnConsumerFailure(ConfigurableApplicationContext context) {
        return new ExitOnConsumerFailure(code -> System.exit(SpringApplication.exit(context, () -> code)));
    }

    static ExponentialBackOff backOff(AgentProperties.Retry retry) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.initialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(retry.maxDelay().toMillis());
        backOff.setMaxElapsedTime(retry.giveUpAfter().toMillis());
        return backOff;
    }

    private static <C extends SpecificRecord, R extends SpecificRecord> AnsweredCommands<R> answered(AgentSpec<C, R> agent,
                                                                                                     AgentProperties properties) {
        String topic = agent.results().name();
        Serializer<R> serializer = agent.results().valueSerde().serializer();
        return new AnsweredCommands<>(properties.rememberedCommands(), properties.rememberedSize().toBytes(),
                result -> serializer.serialize(topic, result).length);
    }

    @SuppressWarnings("unchecked")
    private static <C extends SpecificRecord, R extends SpecificRecord> CommandListener<C, R> listener(
            AgentSpec<C, R> agent, AnsweredCommands<?> answered, ProducerFactory<?, ?> producers, ProducerListener<?, ?> quiet) {
        // The same producer factory as the transaction manager's, so that the result joins the container's transaction.
        KafkaTemplate<String, R> results = new KafkaTemplate<>((ProducerFactory<String, R>) producers);
        results.setProducerListener((ProducerListener<String, R>) quiet);
        return new CommandListener<>(agent, (AnsweredCommands<R>) answered, results);
    }

    private static <C extends SpecificRecord, R extends SpecificRecord> Serializer<Object> valueSerializer(AgentSpec<C, R> agent) {
        return new DelegatingByTypeSerializer(Map.of(byte[].class, new ByteArraySerializer(),
                agent.resultType(), agent.results().valueSerde().serializer(),
                agent.commandType(), agent.commands().valueSerde().serializer()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
