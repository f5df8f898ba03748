package io.failback.sandbox.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.failback.schemas.Acls;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the {@link Topics} catalog explicitly (brokers here run with auto-create
 * off): its partitions, its cleanup policy, and the replication factor the cluster can give; and, on a
 * broker with an authorizer, every ACL of the {@link Acls} catalog, in the same step.
 */
public final class CatalogTopics {

    private CatalogTopics() {
    }

    /** The catalog as {@link NewTopic}s with the given replication factor. */
    public static List<NewTopic> newTopics(short replicationFactor) {
        return Topics.ALL.stream().map(t -> newTopic(t, replicationFactor)).collect(Collectors.toList());
    }

    static NewTopic newTopic(Topic<?, ?> topic, short replicationFactor) {
        return new NewTopic(topic.name(), topic.partitions(), replicationFactor)
                .configs(topic.configs());
    }

    /**
     * Waits until every partition of the topics has a leader that holds its log. A producer that starts on
     * a topic created a moment ago can otherwise be told of a leader that has not taken the partition up
     * yet (NotLeaderOrFollower), and its retries can end in OutOfOrderSequenceException until its delivery
     * timeout: seen once in CI, three records lost after 120 s.
     */
    private static void awaitLeaders(Admin admin, List<String> topics, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String waitingFor = "";
        while (System.nanoTime() < deadline) {
            try {
                waitingFor = partitionsNotLed(admin, topics);
                if (waitingFor.isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                waitingFor = "(" + e.getMessage() + ")";
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("partitions not yet led after " + timeout + ": " + waitingFor);
    }

    /** The partitions with no leader, or whose leader has no log for them yet; empty when all are led. */
    private static String partitionsNotLed(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Integer> leaders = new HashMap<>();
        List<String> notLed = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    notLed.add(d.name() + "-" + p.partition());
                } else {
                    leaders.put(new TopicPartition(d.name(), p.partition()), p.leader().id());
                }
            }
        }
        Map<Integer, Map<String, LogDirDescription>> logDirs = admin.describeLogDirs(new HashSet<>(leaders.values()))
                .allDescriptions().get(10, TimeUnit.SECONDS);
        leaders.forEach((partition, leader) -> {
            boolean held = logDirs.getOrDefault(leader, Map.of()).values().stream()
                    .anyMatch(dir -> dir.replicaInfos().containsKey(partition));
            if (!held) {
                notLed.add(partition.toString());
            }
        });
        return String.join(", ", notLed);
    }

    /** Adds the catalog's ACLs the broker does not have yet; nothing on a broker without an authorizer. */
    private static void grantAcls(Admin admin) throws InterruptedException, ExecutionException {
        Set<AclBinding> existing;
        try {
            existing = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                return;
            }
            throw e;
        }
        List<AclBinding> missing = Acls.bindings().stream().filter(b -> !existing.contains(b)).toList();
        if (!missing.isEmpty()) {
            admin.createAcls(missing).all().get();
        }
    }

    /**
     * Creates the catalog's topics that don't exist yet; existing topics are left as they are, and
     * returns once every catalog partition has a leader.
     *
     * @return the names it created
     */
    public static Set<String> create(String bootstrapServers, short replicationFactor) {
        return create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), replicationFactor);
    }

    /**
     * As {@link #create(String, short)} with an admin client of these settings (a secured broker's admin principal), and
     * then grants the {@link Acls}: the ones missing are added, none is removed. A broker without an authorizer (the
     * plaintext local mode) has no ACLs to grant.
     */
    public static Set<String> create(Map<String, Object> adminClient, short replicationFactor) {
        Properties props = new Properties();
        props.putAll(adminClient);
        String bootstrapServers = String.valueOf(adminClient.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = newTopics(replicationFactor).stream()
                    .filter(t -> !existing.contains(t.name()))
                    .collect(Collectors.toList());
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, Topics.ALL.stream().map(Topic::name).collect(Collectors.toList()), Duration.ofSeconds(60));
            grantAcls(admin);
            return missing.stream().map(NewTopic::name).collect(Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics or grant ACLs on " + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
