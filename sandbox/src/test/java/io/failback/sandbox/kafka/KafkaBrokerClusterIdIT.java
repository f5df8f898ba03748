package io.failback.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KRaft cluster id is 22 characters of URL-safe base64, so one in 64 begins with '-'. Given to the storage
 * tool as a separate argument, such an id reads as an option and formatting fails: a CI run was lost to it.
 */
class KafkaBrokerClusterIdIT {

    @TempDir
    Path dataDir;

    @Test
    void aClusterIdThatLooksLikeAnOptionStillFormatsAndStarts() throws Exception {
        String clusterId = "-kAbCdEfGhIjKlMnOpQrSw";
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.on(dataDir, 0, clusterId).plaintext().start(Duration.ofMinutes(2));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
        }
        assertThat(Files.readString(dataDir.resolve("logs").resolve("meta.properties"))).contains("cluster.id=" + clusterId);
    }
}
