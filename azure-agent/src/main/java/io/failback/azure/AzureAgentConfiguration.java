package io.failback.azure;

import java.time.Clock;

import io.failback.azure.arm.ArmClients;
import io.failback.azure.arm.AzureVmOperations;
import io.failback.azure.commands.AzureCommandHandler;
import io.failback.azure.commands.AzureCommandListener;
import io.failback.azure.commands.BoundedCommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** Wires the agent: SDK clients from {@link AzureAgentProperties}, the command handler, its bounded runner and the listener. */
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
    BoundedCommandRunner boundedCommandRunner(AzureCommandHandler handler, AzureAgentProperties properties) {
        return new BoundedCommandRunner(properties.maxConcurrentOps(), handler::handle);
    }

    @Bean
    AzureCommandListener azureCommandListener(BoundedCommandRunner runner, KafkaTemplate<byte[], byte[]> kafka) {
        return new AzureCommandListener(runner, kafka);
    }

    /**
     * Handlers answer every command, so what reaches here is a failure to publish: the batch is read
     * again, with back-off, for as long as it takes, never skipped.
     */
    @Bean
    CommonErrorHandler azureCommandErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        return new DefaultErrorHandler(backOff);
    }
}
