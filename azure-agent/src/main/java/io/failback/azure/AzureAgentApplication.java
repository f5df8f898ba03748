package io.failback.azure;

import io.failback.schemas.TrustedMessages;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Azure agent: executes Azure VM steps commanded by the orchestrator. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AzureAgentApplication {

    public static void main(String[] args) {
        TrustedMessages.ensureTrusted();
        SpringApplication.run(AzureAgentApplication.class, args);
    }
}
