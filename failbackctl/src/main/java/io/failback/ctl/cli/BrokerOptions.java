package io.failback.ctl.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.ClientSettings;
import picocli.CommandLine.Option;

/** The broker options every command that talks to Kafka takes. */
public final class BrokerOptions {

    public static final String ENV_BOOTSTRAP = "FAILBACK_BOOTSTRAP_SERVERS";
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    /** A Kafka client properties file: the default of --kafka-config. */
    public static final String ENV_KAFKA_CONFIG = "FAILBACK_KAFKA_CONFIG";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: $" + ENV_BOOTSTRAP + ", else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServers;

    @Option(names = {"--kafka-config", "--command-config"}, paramLabel = "FILE",
            description = "Properties file of Kafka client settings, e.g. security.protocol and the ssl.* of your certificate"
                    + " (default: $" + ENV_KAFKA_CONFIG + "). Its bootstrap.servers is used unless --bootstrap-servers or $"
                    + ENV_BOOTSTRAP + " is set.")
    Path commandConfig;

    // 15 s: a TLS handshake from a cold JVM (keystore, certificate chain) takes seconds on a busy machine; 5 s left the
    // demo's failbackctl unable to reach the secured broker
    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long to wait for the broker before reporting it unreachable (exit 3). Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    /** The flag, else the environment variable, else localhost:9092; plus the command-config file's properties. */
    public ClientSettings settings(Map<String, String> env) {
        Path config = commandConfig;
        if (config == null && !env.getOrDefault(ENV_KAFKA_CONFIG, "").isBlank()) {
            config = Path.of(env.get(ENV_KAFKA_CONFIG).trim());
        }
        Properties extra = new Properties();
        if (config != null) {
            try (Reader reader = Files.newBufferedReader(config)) {
                extra.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                // the file's name and the error's kind only: its content holds store passwords
                throw new CtlException(ExitCode.BAD_ARGUMENTS, "cannot read --kafka-config " + config + ": "
                        + e.getClass().getSimpleName() + (e instanceof IOException && e.getMessage() != null ? " " + e.getMessage() : ""));
            }
        }
        String bootstrap = bootstrapServers;
        if (bootstrap == null || bootstrap.isBlank()) {
            bootstrap = env.getOrDefault(ENV_BOOTSTRAP, "");
        }
        if (bootstrap.isBlank()) {
            bootstrap = extra.getProperty("bootstrap.servers", "");
        }
        if (bootstrap.isBlank()) {
            bootstrap = DEFAULT_BOOTSTRAP;
        }
        if (connectTimeout.isZero()) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "--connect-timeout must be more than zero");
        }
        return new ClientSettings(bootstrap.trim(), extra, connectTimeout);
    }
}
