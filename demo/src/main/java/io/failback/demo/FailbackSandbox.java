package io.failback.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmId;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.sandbox.kafka.CatalogTopics;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import io.failback.sandbox.replication.ReplicationEngine;
import io.failback.sandbox.replication.ReplicationSimulator;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.Acls.Principal;
import tools.jackson.databind.ObjectMapper;

/**
 * Everything the main job runs on, started on this machine: a Kafka broker (its own process), the vCenter
 * simulator (its own process) seeded with the estate's master targets and on-premises VMs, the ARM emulator
 * with the estate's Azure VMs and the replication simulator (both in this JVM), then the three services
 * from their jars as separate processes, configured by environment. Closing stops all of it, in reverse.
 */
public final class FailbackSandbox implements AutoCloseable {

    /** The three services, by module name. */
    public static final String ORCHESTRATOR = "orchestrator-service";
    public static final String VCENTER_AGENT = "vcenter-agent";
    public static final String AZURE_AGENT = "azure-agent";
    /** The web dashboard, started apart from the rest by {@link #startDashboard()}. */
    public static final String DASHBOARD = "dashboard";

    /**
     * How a sandbox is set up; the defaults suit the demo.
     *
     * @param environment per service module, variables set after the sandbox's own (so they win)
     */
    /**
     * @param plaintextKafka the explicit local mode: a broker without TLS, authentication nor ACLs (off by default)
     */
    public record Options(Path workDir, EstateSpec estate, Duration agentRegistrationDelay, Map<String, Map<String, String>> environment,
                          boolean plaintextKafka) {
        public static Options demo(Path workDir, EstateSpec estate) {
            return new Options(workDir, estate, Duration.ofSeconds(10), Map.of(ORCHESTRATOR, Map.of(
                    "FAILBACK_ORCHESTRATOR_VCENTER_STEP_TIMEOUT", "60s",
                    "FAILBACK_ORCHESTRATOR_AZURE_STEP_TIMEOUT", "60s",
                    "FAILBACK_ORCHESTRATOR_REPLICATION_STEP_TIMEOUT", "30s",
                    "FAILBACK_ORCHESTRATOR_REPROTECT_INITIAL_BACKOFF", "3s",
                    "FAILBACK_ORCHESTRATOR_REPROTECT_MAX_BACKOFF", "5s",
                    "FAILBACK_ORCHESTRATOR_REPROTECT_WINDOW", "5m")), false);
        }

        public Options withAgentRegistrationDelay(Duration delay) {
            return new Options(workDir, estate, delay, environment, plaintextKafka);
        }

        /** The broker in the explicit plaintext local mode: no TLS, no principals, no ACLs. */
        public Options withPlaintextKafka() {
            return new Options(workDir, estate, agentRegistrationDelay, environment, true);
        }

        /** These variables added to (or replacing) the module's. */
        public Options withEnvironment(String module, Map<String, String> variables) {
            Map<String, Map<String, String>> all = new HashMap<>(environment);
            Map<String, String> merged = new HashMap<>(all.getOrDefault(module, Map.of()));
            merged.putAll(variables);
            all.put(module, Map.copyOf(merged));
            return new Options(workDir, estate, agentRegistrationDelay, Map.copyOf(all), plaintextKafka);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Crash points the replication simulator keeps: a minute's worth at its 5 s cadence. A replication group's VMs are
     * rolled to one point seconds apart, more on a loaded machine; with the engine's 4 (20 s) the demo's group point
     * expired between two of its VMs (RECOVERY_POINT_EXPIRED, twice in a row on the secured broker).
     */
    private static final int POINTS_KEPT = 12;

    private final Options options;
    private final Path repo;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> serviceEnvironments = new HashMap<>();
    private KafkaBrokerProcess kafka;
    private Vcsim vcsim;
    private ArmEmulator arm;
    private ReplicationSimulator replication;
    private SandboxOperators operators;
    private final String vcenterPassword = secret();
    private final String armToken = secret();
    private final String truststorePassword = secret();

    private FailbackSandbox(Options options) {
        this.options = options;
        this.repo = checkout();
    }

    /** The checkout whose jars the sandbox runs: the nearest directory up from here with the project's compose file at its root. */
    private static Path checkout() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside a failback checkout: no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    public static FailbackSandbox start(Options options, java.util.function.Consumer<String> progress) {
        FailbackSandbox sandbox = new FailbackSandbox(options);
        try {
            sandbox.startAll(progress);
            return sandbox;
        } catch (RuntimeException | Error e) {
            sandbox.close();
            throw e;
        }
    }

    private void startAll(java.util.function.Consumer<String> progress) {
        Path work = options.workDir();
        EstateSpec estate = options.estate();
        try {
            Files.createDirectories(work);
            estate.write(work.resolve("estate.json"));

            progress.accept(options.plaintextKafka() ? "starting the Kafka broker (KRaft, own process; PLAINTEXT local mode)"
                    : "starting the Kafka broker (KRaft, own process; mutual TLS, a certificate per principal, ACLs)");
            kafka = KafkaBrokerProcess.on(work.resolve("kafka"), 0);
            if (options.plaintextKafka()) {
                kafka.plaintext();
            }
            kafka.start(Duration.ofMinutes(2));
            started.add(kafka);
            CatalogTopics.create(kafka.adminProperties(), (short) 1);

            progress.accept("starting the vCenter simulator (own process) with " + estate.masterTargets().size()
                    + " master targets and " + estate.vms().size() + " on-premises VMs");
            Path seed = work.resolve("vcsim-seed.json");
            Files.writeString(seed, new ObjectMapper().writeValueAsString(vcsimSeed(estate)));
            vcsim = Vcsim.builder().seedFile(seed).credentials("failback@vsphere.local", vcenterPassword)
                    .readyTimeout(Duration.ofMinutes(5)).start();
            started.add(vcsim);
            Path vcenterTruststore = vcsim.writeTrustStore(work.resolve("vcsim-truststore.p12"), truststorePassword.toCharArray());

            progress.accept("starting the ARM emulator (HTTPS) with " + estate.vms().size() + " Azure VMs");
            ArmEmulator.Builder armBuilder = ArmEmulator.builder().directory(work.resolve("arm")).expectedToken(armToken)
                    .truststorePassword(truststorePassword).operationDuration(Duration.ofMillis(200)).pollRetryAfter(Duration.ofSeconds(1));
            for (VmSpec vm : estate.vms()) {
                armBuilder.seed(new io.failback.sandbox.arm.VmSpec(ArmId.parse(estate.azureVmId(vm)), estate.location(),
                        ArmPowerState.RUNNING, vm.windows() ? "Windows" : "Linux", "Standard_D2s_v3", 1, 1, false));
            }
            arm = armBuilder.start();
            started.add(arm);

            progress.accept("starting the replication simulator (agents register " + options.agentRegistrationDelay().toSeconds()
                    + "s after power-on)");
            ReplicationEngine.Settings d = ReplicationEngine.Settings.demo();
            replication = ReplicationSimulator.start(kafka.clientProperties(Principal.REPLICATION), estate,
                    new ReplicationEngine.Settings(d.crashPointEvery(), d.appPointEvery(), POINTS_KEPT, options.agentRegistrationDelay()));
            started.add(replication);

            progress.accept("starting orchestrator-service, vcenter-agent and azure-agent (own processes)");
            // issue 15: every request and control is signed by the sandbox's own generated operators
            operators = SandboxOperators.write(work.resolve("operators"));
            Map<String, String> orchestrator = new HashMap<>(common(Principal.ORCHESTRATOR));
            orchestrator.put("FAILBACK_ORCHESTRATOR_SIGNING_ROSTER_FILE", operators.roster().toString());
            orchestrator.put("SPRING_KAFKA_STREAMS_STATE_DIR", work.resolve("orchestrator-state").toString());
            orchestrator.put("SPRING_KAFKA_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS", "6000");
            service(ORCHESTRATOR, orchestrator);

            Map<String, String> vcenterAgent = new HashMap<>(common(Principal.VCENTER_AGENT));
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_NAME", estate.vCenter());
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_URL", vcsim.url().toString());
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_USERNAME", vcsim.username());
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_PASSWORD", vcenterPassword);
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PATH", vcenterTruststore.toString());
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PASSWORD", truststorePassword);
            vcenterAgent.put("FAILBACK_VCENTER_VCENTERS_0_OPERATION_TIMEOUT", "30s");
            service(VCENTER_AGENT, vcenterAgent);

            Map<String, String> azureAgent = new HashMap<>(common(Principal.AZURE_AGENT));
            azureAgent.put("FAILBACK_AZURE_SUBSCRIPTION_ID", estate.subscriptionId());
            azureAgent.put("FAILBACK_AZURE_ARM_ENDPOINT", arm.url().toString());
            azureAgent.put("FAILBACK_AZURE_CREDENTIAL", "static-token");
            azureAgent.put("FAILBACK_AZURE_STATIC_TOKEN", armToken);
            azureAgent.put("FAILBACK_AZURE_TRUSTSTORE_PATH", arm.truststore().toString());
            azureAgent.put("FAILBACK_AZURE_TRUSTSTORE_PASSWORD", arm.truststorePassword());
            azureAgent.put("FAILBACK_AZURE_POLL_INTERVAL", "500ms");
            service(AZURE_AGENT, azureAgent);

            for (ServiceProcess s : services.values()) {
                s.awaitStarted(Duration.ofMinutes(3));
            }
            progress.accept("ready: broker " + kafka.bootstrapServers() + ", vCenter " + vcsim.url() + ", ARM " + arm.url());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A service's Kafka settings as Spring Boot reads them: the broker, and on a secured one the principal's TLS settings. */
    private Map<String, String> common(Principal principal) {
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        if (kafka.secured()) {
            env.putAll(kafka.security().springEnvironment(principal));
        }
        return env;
    }

    /** What a Kafka client of the demo or a test needs to connect as {@code principal} (bootstrap servers, TLS). */
    public Map<String, Object> client(Principal principal) {
        return kafka.clientProperties(principal);
    }

    /**
     * The same settings as a {@code .properties} file (owner-readable only: it holds store passwords), for
     * {@code failbackctl --kafka-config} and Kafka's command-line tools; written on first ask.
     */
    public Path clientConfigFile(Principal principal) {
        Path file = options.workDir().resolve("kafka-clients").resolve(principal.cn() + ".properties");
        if (!Files.exists(file)) {
            if (kafka.secured()) {
                kafka.security().writeClientProperties(principal, kafka.bootstrapServers(), file);
            } else {
                try {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, "bootstrap.servers=" + kafka.bootstrapServers() + "\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return file;
    }

    private void service(String module, Map<String, String> environment) {
        Map<String, String> all = new HashMap<>(environment);
        all.putAll(options.environment().getOrDefault(module, Map.of()));
        serviceEnvironments.put(module, Map.copyOf(all));
        services.put(module, ServiceProcess.start(module, ServiceProcess.jar(repo, module), all, options.workDir().resolve("logs")));
    }

    /**
     * Starts the dashboard (its own process, on a free port of the loopback interface) and waits until it serves;
     * apart from {@link #start} so that a job can be submitted before it. Returns its URL.
     */
    public java.net.URI startDashboard() {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the dashboard", e);
        }
        Map<String, String> dashboard = new HashMap<>(common(Principal.DASHBOARD));
        dashboard.put("SERVER_ADDRESS", "127.0.0.1");
        dashboard.put("SERVER_PORT", String.valueOf(port));
        dashboard.put("FAILBACK_DASHBOARD_SIGNING_OPERATOR", SandboxOperators.DASHBOARD);
        dashboard.put("FAILBACK_DASHBOARD_SIGNING_KEY_FILE", operators.keyFile(SandboxOperators.DASHBOARD).toString());
        service(DASHBOARD, dashboard);
        services.get(DASHBOARD).awaitStarted(Duration.ofMinutes(3));
        return java.net.URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The operators this sandbox's requests and control commands are signed by. */
    public SandboxOperators operators() {
        return operators;
    }

    /** SIGKILL to one service, as a crash; {@link #restart} brings it back. */
    public void kill(String module) {
        services.get(module).kill();
    }

    /** Starts the module again with the environment it had (its log continues), and waits until it started. */
    public ServiceProcess restart(String module) {
        ServiceProcess old = services.get(module);
        if (old.isAlive()) {
            throw new IllegalStateException(module + " still runs (pid " + old.pid() + "); kill it first");
        }
        ServiceProcess p = ServiceProcess.start(module, ServiceProcess.jar(repo, module), serviceEnvironments.get(module),
                options.workDir().resolve("logs"));
        services.put(module, p);
        return p.awaitStarted(Duration.ofMinutes(3));
    }

    /** The simulator's seed: master targets holding every replica disk, and the powered-off on-premises VMs. */
    static Map<String, Object> vcsimSeed(EstateSpec estate) {
        List<Map<String, Object>> masterTargets = new ArrayList<>();
        for (EstateSpec.MasterTarget mt : estate.masterTargets()) {
            List<String> disks = new ArrayList<>();
            estate.vms().stream().filter(v -> v.masterTarget().equals(mt.name())).forEach(v -> disks.addAll(v.replicaDisks()));
            int controllers = Math.max(1, Math.min(4, (disks.size() + 14) / 15));
            masterTargets.add(Map.of("name", mt.name(), "guestId", mt.guestId(), "powerState", "poweredOn",
                    "disks", disks, "scsiControllers", controllers, "snapshots", mt.snapshots()));
        }
        List<Map<String, Object>> vms = new ArrayList<>();
        for (VmSpec vm : estate.vms().stream().filter(v -> !v.physical()).toList()) { // a physical server has no VM
            Map<String, Object> onPrem = new LinkedHashMap<>(Map.of("name", vm.onPremisesVm(), "guestId", vm.guestId(),
                    "powerState", "poweredOff", "toolsUpgradePolicy", "manual", "instanceUuid", vm.onPremisesInstanceUuid()));
            if (vm.onPremisesVmFull()) {
                // 4 controllers x 15 units, all taken: nowhere to attach a replica disk
                List<String> fillers = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    fillers.add("[" + estate.datastore() + "] " + vm.onPremisesVm() + "/filler_" + i + ".vmdk");
                }
                onPrem.put("scsiControllers", 4);
                onPrem.put("disks", fillers);
            }
            vms.add(onPrem);
        }
        return Map.of("datastore", estate.datastore(), "masterTargets", masterTargets, "vms", vms);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public Vcsim vcsim() {
        return vcsim;
    }

    public ArmEmulator arm() {
        return arm;
    }

    public KafkaBrokerProcess kafka() {
        return kafka;
    }

    public EstateSpec estate() {
        return options.estate();
    }

    public ServiceProcess service(String module) {
        return services.get(module);
    }

    /** The first service whose process has ended, with its exit status and log tail; empty while all run. */
    public Optional<String> endedService() {
        return services.values().stream().map(ServiceProcess::exitReport).flatMap(Optional::stream).findFirst();
    }

    /** A vSphere API client of the simulator, for checks and for injected faults. */
    /** The replication simulator, in this JVM: the point it rolled each VM's disks to. */
    public ReplicationSimulator replication() {
        return replication;
    }

    public Vsphere vsphere() {
        return new Vsphere(vcsim.url(), vcsim.username(), vcsim.password(), vcsim.trustStore());
    }

    public Path repo() {
        return repo;
    }

    @Override
    public void close() {
        List<ServiceProcess> running = new ArrayList<>(services.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        services.clear();
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + started.get(i).getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        started.clear();
    }

    /** The secrets this sandbox generated: none may appear in any log or topic (issue 15, "secrets stay secret"). */
    public java.util.Map<String, String> secrets() {
        Map<String, String> all = new LinkedHashMap<>(Map.of("vCenter password", vcenterPassword, "ARM token", armToken,
                "truststore password", truststorePassword));
        if (kafka != null && kafka.secured()) {
            all.putAll(kafka.security().secrets());
        }
        if (operators != null) {
            all.putAll(operators.secrets());
        }
        return all;
    }

    /** Where every service writes its log. */
    public Path logs() {
        return options.workDir().resolve("logs");
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
