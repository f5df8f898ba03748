package io.failback.ctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.failback.ctl.CtlException;
import io.failback.ctl.kafka.ClientSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where failbackctl takes its broker and its certificate from: flags, then FAILBACK_* variables, then the config file. */
class BrokerOptionsTest {

    @TempDir
    Path dir;

    @Test
    void shouldTakeTheCertificateAndBrokerFromTheFileNamedByFailbackKafkaConfig() throws Exception {
        // given an operator's client properties file named by the environment
        Path file = Files.writeString(dir.resolve("operator.properties"), String.join("\n",
                "bootstrap.servers=broker.example:9093", "security.protocol=SSL", "ssl.keystore.location=/certs/operator.p12",
                "ssl.keystore.password=s3cret-store", ""));
        BrokerOptions options = options();

        // when
        ClientSettings settings = options.settings(Map.of(BrokerOptions.ENV_KAFKA_CONFIG, file.toString()));

        // then
        assertThat(settings.bootstrapServers()).isEqualTo("broker.example:9093");
        assertThat(settings.extra()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.location", "/certs/operator.p12");
        assertThat(settings.toString()).as("printed settings").doesNotContain("s3cret-store");
    }

    @Test
    void shouldPreferTheFlagsToTheFileAndTheVariable() throws Exception {
        // given
        Path flagFile = Files.writeString(dir.resolve("flag.properties"), "security.protocol=SSL\nbootstrap.servers=from-file:9093\n");
        Path envFile = Files.writeString(dir.resolve("env.properties"), "security.protocol=PLAINTEXT\n");
        BrokerOptions options = options();
        options.commandConfig = flagFile;
        options.bootstrapServers = "from-flag:9093";

        // when
        ClientSettings settings = options.settings(Map.of(BrokerOptions.ENV_KAFKA_CONFIG, envFile.toString()));

        // then
        assertThat(settings.bootstrapServers()).isEqualTo("from-flag:9093");
        assertThat(settings.extra()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldNameAnUnreadableConfigFileWithoutPrintingWhatItHolds() {
        // given a file that is a directory
        BrokerOptions options = options();
        options.commandConfig = dir;

        // when / then
        assertThatThrownBy(() -> options.settings(Map.of())).isInstanceOf(CtlException.class)
                .hasMessageStartingWith("cannot read --kafka-config " + dir);
    }

    private static BrokerOptions options() {
        BrokerOptions options = new BrokerOptions();
        options.connectTimeout = Duration.ofSeconds(5);
        return options;
    }
}
