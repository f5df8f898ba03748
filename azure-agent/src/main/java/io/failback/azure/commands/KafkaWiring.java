package io.failback.azure.commands;

import io.failback.agent.AgentKafka;
import io.failback.agent.AgentProperties;
import io.failback.agent.AnsweredCommands;
import io.failback.agent.DeadLetterPublisher;
import io.failback.messages.AzureResult;
import io.failback.schemas.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * This agent's Kafka side: its listener, its memory of answered commands and its dead-letter topic, on
 * the shared skeleton of {@link AgentKafka} (transactions with the offsets, bounded retry, static membership).
 */
@Configuration(proxyBeanMethods = false)
@Import(AgentKafka.class)
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

    /** A batch listener's failed batch is given up on to the dead-letter topic once the back-off ends (else: retried for ever). */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> recoverBatchesAfterRollback() {
        return container -> container.getContainerProperties().setBatchRecoverAfterRollback(true);
    }
}
