package io.failback.sandbox.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the {@link Topics} catalog explicitly (brokers here run with auto-create
 * off): its partitions, its cleanup policy, and the replication factor the cluster can give.
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
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy().configValue()));
    }

    /**
     * Creates the catalog's topics that don't exist yet; existing topics are left as they are.
     *
     * @return the names it created
     */
    public static Set<String> create(String bootstrapServers, short replicationFactor) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
            return missing.stream().map(NewTopic::name).collect(Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list topics on " + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
