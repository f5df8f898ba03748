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

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: $" + ENV_BOOTSTRAP + ", else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Properties file of extra Kafka client settings, e.g. security.protocol, ssl.*, sasl.*.")
    Path commandConfig;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for the broker before reporting it unreachable (exit 3). Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    /** The flag, else the environment variable, else localhost:9092; plus the command-config file's properties. */
    public ClientSettings settings(Map<String, String> env) {
        String bootstrap = bootstrapServers;
        if (bootstrap == null || bootstrap.isBlank()) {
            bootstrap = env.getOrDefault(ENV_BOOTSTRAP, "");
        }
        if (bootstrap.isBlank()) {
            bootstrap = DEFAULT_BOOTSTRAP;
        }
        Properties extra = new Properties();
        if (commandConfig != null) {
            try (Reader reader = Files.newBufferedReader(commandConfig)) {
                extra.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new CtlException(ExitCode.BAD_ARGUMENTS, "cannot read --command-config " + commandConfig + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        }
        if (connectTimeout.isZero()) {
            throw new CtlException(ExitCode.BAD_ARGUMENTS, "--connect-timeout must be more than zero");
        }
        return new ClientSettings(bootstrap.trim(), extra, connectTimeout);
    }
}
