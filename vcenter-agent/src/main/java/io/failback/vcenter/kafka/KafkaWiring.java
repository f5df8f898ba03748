package io.failback.vcenter.kafka;

import io.failback.agent.AgentKafka;
import io.failback.agent.AgentProperties;
import io.failback.agent.AnsweredCommands;
import io.failback.agent.DeadLetterPublisher;
import io.failback.messages.VcenterResult;
import io.failback.schemas.Topics;
import io.failback.vcenter.CommandHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * This agent's Kafka side: its listener, its memory of answered commands and its dead-letter topic, on
 * the shared skeleton of {@link AgentKafka} (transactions with the offsets, bounded retry, static membership).
 */
@Configuration(proxyBeanMethods = false)
@Import(AgentKafka.class)
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
}
