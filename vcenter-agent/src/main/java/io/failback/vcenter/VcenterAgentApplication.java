package io.failback.vcenter;

import java.time.Clock;

import io.failback.schemas.TrustedMessages;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Entry point of the vCenter agent: executes vCenter steps commanded by the orchestrator. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VcenterAgentApplication {

    public static void main(String[] args) {
        TrustedMessages.ensureTrusted();
        SpringApplication.run(VcenterAgentApplication.class, args);
    }

    @Bean(destroyMethod = "close")
    VcenterClients vcenterClients(VcenterProperties properties) {
        return new VcenterClients(properties);
    }

    @Bean
    CommandHandler commandHandler(VcenterClients vcenters) {
        return new CommandHandler(vcenters, new VcenterOperations(), Clock.systemUTC());
    }
}
