package io.failback.azure;

import java.time.Clock;

import io.failback.agent.AgentKafka;
import io.failback.agent.AgentSpec;
import io.failback.azure.arm.ArmClients;
import io.failback.azure.commands.AzureCommandHandler;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the agent: its ARM client from {@link AzureAgentProperties} and its {@link AzureCommandHandler}; the
 * agent skeleton ({@link AgentKafka}) does the Kafka side, failback.azure.max-concurrent-ops consumer threads.
 */
@Configuration(proxyBeanMethods = false)
@Import(AgentKafka.class)
public class AzureAgentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AzureAgentConfiguration.class);

    @Bean
    AgentSpec<AzureCommand, AzureResult> azureAgent(AzureAgentProperties properties) {
        log.info("Azure agent settings: {}", properties);
        return new AgentSpec<>("azure-agent", Topics.AZURE_COMMANDS, Topics.AZURE_EVENTS, Topics.AZURE_COMMANDS_DLT,
                new AzureCommandHandler(ArmClients.operations(properties), properties.deleteDisks(), properties.deleteNetworkInterfaces(),
                        Clock.systemUTC()));
    }
}
