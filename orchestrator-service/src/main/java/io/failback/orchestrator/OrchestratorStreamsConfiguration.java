package io.failback.orchestrator;

import java.util.Properties;

import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.streams.ExitOnStreamsError;
import io.failback.orchestrator.streams.FailbackTopology;
import org.apache.kafka.streams.Topology;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

/**
 * Runs {@link FailbackTopology} in Spring Kafka's streams factory bean, with the settings the topology
 * relies on (exactly once, the dead-letter handlers) laid over whatever {@code spring.kafka.streams.*} sets,
 * and an exit for a client that fails beyond repair, so that the process is restarted rather than idle.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
public class OrchestratorStreamsConfiguration {

    @Bean
    Orchestrator orchestrator(OrchestratorProperties properties) {
        return new Orchestrator(properties.sagaSettings(), properties.signing().toSigning());
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer failbackTopologyConfigurer(Orchestrator orchestrator, OrchestratorProperties properties) {
        return factoryBean -> {
            Properties config = new Properties();
            config.putAll(factoryBean.getStreamsConfiguration());
            config.putAll(FailbackTopology.requiredConfig());
            factoryBean.setStreamsConfiguration(config);
            ExitOnStreamsError onError = new ExitOnStreamsError(System::exit);
            factoryBean.setStreamsUncaughtExceptionHandler(onError);
            factoryBean.setStateListener(onError);
            factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
                @Override
                public void configureTopology(Topology topology) {
                    FailbackTopology.addTo(topology, orchestrator, properties.timerTick(), properties.endedJobRetention());
                }
            });
        };
    }
}
