package io.failback.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

/**
 * Who may read and write what on the broker: each principal's grants on the {@link Topics} catalog, its consumer
 * groups and transactional ids, declared once here and applied with the topics (the sandbox's {@code CatalogTopics},
 * the compose file's {@code kafka-topics} step, which a test holds to this list). Anything not granted is denied:
 * the broker runs {@code StandardAuthorizer} without {@code allow.everyone.if.no.acl.found}.
 */
public final class Acls {

    /** The principals, named by the CN of their certificate; {@code User:<name>} on the broker. */
    public enum Principal {
        ORCHESTRATOR("orchestrator"), VCENTER_AGENT("vcenter-agent"), AZURE_AGENT("azure-agent"), REPLICATION("replication"),
        OPERATOR("operator"), AUDITOR("auditor"), DASHBOARD("dashboard"),
        /** Creates topics and ACLs; a super user, as is the broker, since ACLs can only be bootstrapped by one. */
        ADMIN("admin"),
        /** The broker itself (inter-broker and controller traffic); a super user. */
        BROKER("broker");

        private final String cn;

        Principal(String cn) {
            this.cn = cn;
        }

        /** The certificate's common name, and the principal's name once mapped. */
        public String cn() {
            return cn;
        }

        public String kafkaPrincipal() {
            return "User:" + cn;
        }
    }

    /** The principals with every right, bypassing ACLs: {@code super.users} of the broker. */
    public static final List<Principal> SUPER_USERS = List.of(Principal.BROKER, Principal.ADMIN);

    /** The orchestrator's Kafka Streams application id: its consumer group, transactional ids and internal topics start with it. */
    public static final String ORCHESTRATOR_APPLICATION_ID = "failback-orchestrator";
    /** The prefix of the consumer groups of an operator's own clients (failbackctl, the demo's watch). */
    public static final String OPERATOR_GROUP_PREFIX = "failback-operator-";

    /**
     * One grant: the operations a principal may do on resources of a type, named literally or by prefix. The compose
     * file has one {@code acl} line per grant, in this order.
     */
    public record Grant(Principal principal, Set<AclOperation> operations, ResourceType type, PatternType pattern, List<String> names) {

        /** The grant as Kafka's bindings: one per operation and resource name, allowed from any host. */
        public List<AclBinding> bindings() {
            List<AclBinding> out = new ArrayList<>();
            for (String name : names) {
                for (AclOperation op : operations.stream().sorted().toList()) {
                    out.add(new AclBinding(new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(principal.kafkaPrincipal(), "*", op, AclPermissionType.ALLOW)));
                }
            }
            return out;
        }
    }

    private static final String CLUSTER_NAME = "kafka-cluster";

    /** Every grant, by principal. */
    public static final List<Grant> GRANTS = List.of(
            // orchestrator: reads what clients, agents and the replication engine write; writes commands, status, audit
            grant(Principal.ORCHESTRATOR, Set.of(READ), TOPIC, LITERAL, Topics.REQUESTS, Topics.CONTROL, Topics.INVENTORY,
                    Topics.RECOVERY_POINTS, Topics.VCENTER_EVENTS, Topics.AZURE_EVENTS, Topics.REPLICATION_EVENTS),
            grant(Principal.ORCHESTRATOR, Set.of(WRITE), TOPIC, LITERAL, Topics.VCENTER_COMMANDS, Topics.AZURE_COMMANDS,
                    Topics.REPLICATION_COMMANDS, Topics.STATUS, Topics.AUDIT, Topics.JOB_STATE),
            // its own topics (inputs, VM claims, dead letters) and Kafka Streams' internal ones (changelogs, repartitions)
            new Grant(Principal.ORCHESTRATOR, Set.of(ALL), TOPIC, PREFIXED, List.of("failback.orchestrator.", ORCHESTRATOR_APPLICATION_ID)),
            new Grant(Principal.ORCHESTRATOR, Set.of(ALL), GROUP, PREFIXED, List.of(ORCHESTRATOR_APPLICATION_ID)),
            new Grant(Principal.ORCHESTRATOR, Set.of(ALL), TRANSACTIONAL_ID, PREFIXED, List.of(ORCHESTRATOR_APPLICATION_ID)),
            new Grant(Principal.ORCHESTRATOR, Set.of(DESCRIBE), CLUSTER, LITERAL, List.of(CLUSTER_NAME)),
            // each agent: its own commands in, its own results and dead letters out, in its own transactions
            grant(Principal.VCENTER_AGENT, Set.of(READ), TOPIC, LITERAL, Topics.VCENTER_COMMANDS),
            grant(Principal.VCENTER_AGENT, Set.of(WRITE), TOPIC, LITERAL, Topics.VCENTER_EVENTS, Topics.VCENTER_COMMANDS_DLT),
            new Grant(Principal.VCENTER_AGENT, Set.of(READ), GROUP, LITERAL, List.of("vcenter-agent")),
            new Grant(Principal.VCENTER_AGENT, Set.of(WRITE, DESCRIBE), TRANSACTIONAL_ID, PREFIXED, List.of("vcenter-agent-")),
            grant(Principal.AZURE_AGENT, Set.of(READ), TOPIC, LITERAL, Topics.AZURE_COMMANDS),
            grant(Principal.AZURE_AGENT, Set.of(WRITE), TOPIC, LITERAL, Topics.AZURE_EVENTS, Topics.AZURE_COMMANDS_DLT),
            new Grant(Principal.AZURE_AGENT, Set.of(READ), GROUP, LITERAL, List.of("azure-agent")),
            new Grant(Principal.AZURE_AGENT, Set.of(WRITE, DESCRIBE), TRANSACTIONAL_ID, PREFIXED, List.of("azure-agent-")),
            // the replication engine: inventory, points and its results out, its commands in; the sandbox's simulator
            // also follows the vCenter agent's results (to see replica disks detached), which a real engine needs not
            grant(Principal.REPLICATION, Set.of(WRITE), TOPIC, LITERAL, Topics.INVENTORY, Topics.RECOVERY_POINTS,
                    Topics.REPLICATION_EVENTS, Topics.REPLICATION_COMMANDS_DLT),
            grant(Principal.REPLICATION, Set.of(READ), TOPIC, LITERAL, Topics.REPLICATION_COMMANDS, Topics.VCENTER_EVENTS),
            new Grant(Principal.REPLICATION, Set.of(READ), GROUP, PREFIXED, List.of("replication")),
            // operator: asks (requests, control) and follows (status, job state, audit)
            grant(Principal.OPERATOR, Set.of(WRITE), TOPIC, LITERAL, Topics.REQUESTS, Topics.CONTROL),
            grant(Principal.OPERATOR, Set.of(READ), TOPIC, LITERAL, Topics.STATUS, Topics.JOB_STATE, Topics.AUDIT),
            new Grant(Principal.OPERATOR, Set.of(READ), GROUP, PREFIXED, List.of(OPERATOR_GROUP_PREFIX)),
            // auditor: follows only
            grant(Principal.AUDITOR, Set.of(READ), TOPIC, LITERAL, Topics.STATUS, Topics.JOB_STATE, Topics.AUDIT),
            // dashboard: shows job state and audit, sends control (commit, cancel, retry)
            grant(Principal.DASHBOARD, Set.of(READ), TOPIC, LITERAL, Topics.JOB_STATE, Topics.AUDIT),
            grant(Principal.DASHBOARD, Set.of(WRITE), TOPIC, LITERAL, Topics.CONTROL));

    private Acls() {
    }

    /** Every binding of every grant. */
    public static List<AclBinding> bindings() {
        return GRANTS.stream().flatMap(g -> g.bindings().stream()).toList();
    }

    private static Grant grant(Principal principal, Set<AclOperation> operations, ResourceType type, PatternType pattern,
                               Topic<?, ?>... topics) {
        return new Grant(principal, operations, type, pattern, java.util.Arrays.stream(topics).map(Topic::name).toList());
    }
}
