package io.failback.vcenter.kafka;

import java.util.Map;

import io.failback.messages.VcenterResult;
import io.failback.schemas.Topics;
import io.failback.vcenter.CommandHandler;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The agent's Kafka side: a producer for results (the catalog's serde for the vCenter events topic),
 * one for dead letters (bytes as they came), the listener, and retries without end for a record whose
 * result could not be published (the broker is down): it is retried, never skipped.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaWiring {

    @Bean
    KafkaTemplate<String, VcenterResult> resultTemplate(KafkaProperties kafka) {
        Map<String, Object> props = kafka.buildProducerProperties();
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props,
                Topics.VCENTER_EVENTS.keySerde().serializer(), Topics.VCENTER_EVENTS.valueSerde().serializer()));
    }

    @Bean
    KafkaTemplate<byte[], byte[]> deadLetterTemplate(KafkaProperties kafka) {
        Map<String, Object> props = kafka.buildProducerProperties();
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Bean
    CommandListener commandListener(CommandHandler handler, KafkaTemplate<String, VcenterResult> resultTemplate,
                                    KafkaTemplate<byte[], byte[]> deadLetterTemplate) {
        return new CommandListener(handler, resultTemplate, deadLetterTemplate);
    }

    @Bean
    DefaultErrorHandler retryUntilPublished() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        return new DefaultErrorHandler(backOff);
    }
}
