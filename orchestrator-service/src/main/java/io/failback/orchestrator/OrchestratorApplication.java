package io.failback.orchestrator;

import io.failback.schemas.TrustedMessages;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the orchestrator: the Kafka Streams saga that owns every failback job. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrchestratorApplication {

    public static void main(String[] args) {
        TrustedMessages.ensureTrusted();
        SpringApplication.run(OrchestratorApplication.class, args);
    }
}
