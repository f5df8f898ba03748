package io.failback.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.failback.schemas.Acls.Principal;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The ACL catalog grants each principal what issue 15 lists, and nothing that would let it act for another. */
class AclsTest {

    @Test
    void shouldLetOnlyTheOrchestratorWriteAnyCommandTopic() {
        for (Topic<?, ?> commands : List.of(Topics.VCENTER_COMMANDS, Topics.AZURE_COMMANDS, Topics.REPLICATION_COMMANDS)) {
            assertThat(writers(commands)).as(commands.name()).containsExactly(Principal.ORCHESTRATOR);
        }
    }

    @Test
    void shouldLetOnlyTheOperatorWriteRequestsAndTheOperatorAndDashboardWriteControl() {
        assertThat(writers(Topics.REQUESTS)).containsExactly(Principal.OPERATOR);
        assertThat(writers(Topics.CONTROL)).containsExactlyInAnyOrder(Principal.OPERATOR, Principal.DASHBOARD);
    }

    @Test
    void shouldGiveEachAgentOnlyItsOwnCommandsToReadAndItsOwnEventsAndDeadLettersToWrite() {
        assertThat(topics(Principal.VCENTER_AGENT, AclOperation.READ)).containsExactly(Topics.VCENTER_COMMANDS.name());
        assertThat(topics(Principal.VCENTER_AGENT, AclOperation.WRITE))
                .containsExactlyInAnyOrder(Topics.VCENTER_EVENTS.name(), Topics.VCENTER_COMMANDS_DLT.name());
        assertThat(topics(Principal.AZURE_AGENT, AclOperation.READ)).containsExactly(Topics.AZURE_COMMANDS.name());
        assertThat(topics(Principal.AZURE_AGENT, AclOperation.WRITE))
                .containsExactlyInAnyOrder(Topics.AZURE_EVENTS.name(), Topics.AZURE_COMMANDS_DLT.name());
    }

    @Test
    void shouldLetTheAuditorOnlyRead() {
        assertThat(Acls.bindings().stream().filter(b -> b.entry().principal().equals(Principal.AUDITOR.kafkaPrincipal()))
                .map(b -> b.entry().operation()).collect(Collectors.toSet())).containsExactly(AclOperation.READ);
    }

    @Test
    void shouldNameOnlyCatalogTopicsLiterally() {
        Set<String> catalog = Topics.ALL.stream().map(Topic::name).collect(Collectors.toSet());
        assertThat(Acls.bindings().stream().filter(b -> b.pattern().resourceType() == ResourceType.TOPIC
                && b.pattern().patternType() == PatternType.LITERAL).map(b -> b.pattern().name())).allMatch(catalog::contains);
    }

    private static List<Principal> writers(Topic<?, ?> topic) {
        return Acls.GRANTS.stream().filter(g -> g.type() == ResourceType.TOPIC)
                .filter(g -> g.operations().contains(AclOperation.WRITE) || g.operations().contains(AclOperation.ALL))
                .filter(g -> g.pattern() == PatternType.LITERAL ? g.names().contains(topic.name())
                        : g.names().stream().anyMatch(topic.name()::startsWith))
                .map(Acls.Grant::principal).distinct().toList();
    }

    private static List<String> topics(Principal principal, AclOperation operation) {
        return Acls.bindings().stream().filter(b -> b.entry().principal().equals(principal.kafkaPrincipal()))
                .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.entry().operation() == operation)
                .map(AclBinding::pattern).map(p -> p.name()).toList();
    }
}
