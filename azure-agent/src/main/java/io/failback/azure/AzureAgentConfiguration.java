package io.failback.azure;

import java.time.Clock;

import io.failback.agent.AnsweredCommands;
import io.failback.azure.arm.ArmClients;
import io.failback.azure.arm.AzureVmOperations;
import io.failback.azure.commands.AzureCommandHandler;
import io.failback.azure.commands.BoundedCommandRunner;
import io.failback.azure.commands.RememberingCommandHandler;
import io.failback.messages.AzureResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the agent: SDK clients from {@link AzureAgentProperties}, the command handler and its bounded runner (Kafka: {@code KafkaWiring}). */
@Configuration(proxyBeanMethods = false)
public class AzureAgentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AzureAgentConfiguration.class);

    @Bean
    AzureVmOperations azureVmOperations(AzureAgentProperties properties) {
        log.info("Azure agent settings: {}", properties);
        return ArmClients.operations(properties);
    }

    @Bean
    AzureCommandHandler azureCommandHandler(AzureVmOperations operations, AzureAgentProperties properties) {
        return new AzureCommandHandler(operations, properties.deleteDisks(), properties.deleteNetworkInterfaces(), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    BoundedCommandRunner boundedCommandRunner(AzureCommandHandler handler, AnsweredCommands<AzureResult> answeredCommands,
                                              AzureAgentProperties properties) {
        return new BoundedCommandRunner(properties.maxConcurrentOps(), new RememberingCommandHandler(handler, answeredCommands));
    }
}
