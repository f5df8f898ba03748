package io.failback.sandbox.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.failback.schemas.Acls;
import io.failback.schemas.Acls.Principal;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller), run from the Maven Central
 * jars as its own operating-system process: started, waited for, stopped, killed with SIGKILL and
 * started again on the same data directory and ports. Auto-create of topics is off.
 *
 * <p>Secured by default: every listener (clients, inter-broker, the KRaft controller) speaks mutual TLS with the
 * certificates of a {@link KafkaSecurity} made at first start in the data directory, a client's principal is its
 * certificate's CN, and {@code StandardAuthorizer} enforces the {@link Acls} (denying whatever no ACL grants).
 * {@link #plaintext()} is the explicit local mode without any of it, for module tests and the benchmark.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final String clusterId;
    private boolean secured = true;
    private KafkaSecurity security;
    private Process process;

    private KafkaBrokerProcess(Path dataDir, int port, int controllerPort, String classpath, String clusterId) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.clusterId = clusterId;
    }

    /** The explicit local mode: plaintext listeners, no authentication, no authorizer. Before the first start only. */
    public KafkaBrokerProcess plaintext() {
        if (process != null) {
            throw new IllegalStateException("the broker's security is chosen before its first start");
        }
        this.secured = false;
        return this;
    }

    public boolean secured() {
        return secured;
    }

    /** The certificates of this broker and its principals; made at the first start. Only for a secured broker. */
    public KafkaSecurity security() {
        if (!secured) {
            throw new IllegalStateException("a plaintext broker has no certificates");
        }
        if (security == null) {
            security = KafkaSecurity.issue(dataDir.resolve("tls"));
        }
        return security;
    }

    /**
     * What a client needs to connect as {@code principal}: {@code bootstrap.servers} and, on a secured broker, that
     * principal's TLS settings. A plaintext broker ignores the principal.
     */
    public Map<String, Object> clientProperties(Principal principal) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers());
        if (secured) {
            p.putAll(security().clientProperties(principal));
        }
        return p;
    }

    /** As {@link #clientProperties} for the admin principal, which creates the topics and their ACLs. */
    public Map<String, Object> adminProperties() {
        return clientProperties(Principal.ADMIN);
    }

    /** A broker on the given data directory; port 0 picks a free port, kept across restarts. */
    public static KafkaBrokerProcess on(Path dataDir, int port) {
        return on(dataDir, port, Uuid.randomUuid().toString());
    }

    /** As {@link #on(Path, int)}, formatting a new data directory with the given cluster id (22 characters of URL-safe base64). */
    static KafkaBrokerProcess on(Path dataDir, int port, String clusterId) {
        int brokerPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        return new KafkaBrokerProcess(dataDir, brokerPort, controllerPort, System.getProperty("java.class.path"), clusterId);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.out");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Formats the data directory on first use, starts the process and waits until it answers. */
    public KafkaBrokerProcess start(Duration timeout) {
        if (isAlive()) {
            throw new IllegalStateException("broker already running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(dataDir);
            if (secured) {
                security();
            }
            Path config = writeConfig();
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(config);
            }
            process = java("kafka.Kafka", config.toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker in " + dataDir, e);
        }
        awaitReady(timeout);
        return this;
    }

    /** SIGTERM and wait: a controlled shutdown. */
    public void stop() {
        if (process != null) {
            process.destroy();
            waitFor(Duration.ofSeconds(60));
        }
    }

    /** SIGKILL: the broker gets no chance to flush or close anything. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    @Override
    public void close() {
        if (isAlive()) {
            stop();
            if (isAlive()) {
                kill();
            }
        }
    }

    private void waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String protocol = secured ? "SSL" : "PLAINTEXT";
        p.setProperty("listeners", "CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "CLIENTS://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "CLIENTS:" + protocol + ",CONTROLLER:" + protocol);
        p.setProperty("inter.broker.listener.name", "CLIENTS");
        if (secured) {
            security().brokerProperties().forEach(p::setProperty);
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.setProperty("super.users", String.join(";", Acls.SUPER_USERS.stream().map(Principal::kafkaPrincipal).toList()));
        }
        p.setProperty("log.dirs", dataDir.resolve("logs").toString());
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "6");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "6");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "written by KafkaBrokerProcess");
        }
        if (config.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // it holds the broker's store passwords
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return config;
    }

    private void format(Path config) throws IOException {
        // One token, "--cluster-id=<id>": a base64 id may begin with '-', which as a separate argument reads as an option.
        Process f = java("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "-c", config.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        try {
            if (!f.waitFor(2, TimeUnit.MINUTES) || f.exitValue() != 0) {
                f.destroyForcibly();
                throw new IllegalStateException("formatting the KRaft storage failed; see " + logFile() + ":\n" + tailOfLog(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting " + dataDir, e);
        }
    }

    /** The last lines the broker process wrote, for an error message that explains itself. */
    private String tailOfLog(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + logFile() + " unreadable: " + e.getMessage() + ")";
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx768m");
        cmd.add("-Dlogback.configurationFile=" + loggingConfig());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    private String loggingConfig() {
        Path file = dataDir.resolve("logback-broker.xml");
        if (!Files.exists(file)) {
            try {
                Files.writeString(file, String.join("\n",
                        "<configuration>",
                        "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                        "    <encoder><pattern>%d{ISO8601} %-5level %logger{36} - %msg%n</pattern></encoder>",
                        "  </appender>",
                        "  <logger name=\"kafka.server.KafkaRaftServer\" level=\"INFO\"/>",
                        "  <logger name=\"kafka.server.BrokerServer\" level=\"INFO\"/>",
                        "  <root level=\"WARN\"><appender-ref ref=\"OUT\"/></root>",
                        "</configuration>",
                        ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file.toString();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.putAll(adminProperties());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see " + logFile() + ":\n" + tailOfLog(20));
            }
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                admin.listTopics().names().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = new IllegalStateException(e.getMessage(), e);
            }
            sleep(250);
        }
        kill();
        throw new IllegalStateException("the Kafka broker on " + bootstrapServers() + " was not ready within " + timeout
                + "; see " + logFile(), last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
