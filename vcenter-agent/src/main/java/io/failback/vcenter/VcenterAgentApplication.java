package io.failback.vcenter;

import java.time.Clock;

import io.failback.agent.AgentKafka;
import io.failback.agent.AgentSpec;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.schemas.Topics;
import io.failback.schemas.TrustedMessages;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Entry point of the vCenter agent: executes vCenter steps commanded by the orchestrator. It supplies its
 * vCenter clients and its {@link CommandHandler}; the agent skeleton ({@link AgentKafka}) does the Kafka side.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(AgentKafka.class)
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
    AgentSpec<VcenterCommand, VcenterResult> vcenterAgent(VcenterClients vcenters) {
        return new AgentSpec<>("vcenter-agent", Topics.VCENTER_COMMANDS, Topics.VCENTER_EVENTS, Topics.VCENTER_COMMANDS_DLT,
                new CommandHandler(vcenters, new VcenterOperations(), Clock.systemUTC()));
    }
}
