package io.failback.vcenter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the vCenter agent: executes vCenter steps commanded by the orchestrator. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class VcenterAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(VcenterAgentApplication.class, args);
    }
}
