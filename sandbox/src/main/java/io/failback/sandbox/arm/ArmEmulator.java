package io.failback.sandbox.arm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A stand-in for Azure Resource Manager's compute API, for tests and the demo: an HTTPS server on the
 * loopback address, with a self-signed certificate made at start and a truststore for clients,
 * serving virtual machines (read with instance view, powerOff, deallocate, start, delete), the managed
 * disks and network interfaces they reference, and ARM's asynchronous operation pattern. Latency and
 * faults are injected through {@link #faults()}; every call is in {@link #operationLog()}.
 * Start it in a test JVM with {@link #builder()}, or as its own process with {@link ArmEmulatorMain}.
 */
public final class ArmEmulator implements AutoCloseable {

    /** The virtual machines API version of azure-resourcemanager-compute 2.55.1. */
    public static final String VM_API_VERSION = "2025-04-01";
    /** The disks API version of azure-resourcemanager-compute 2.55.1. */
    public static final String DISK_API_VERSION = "2025-01-02";
    /** The network interfaces API version of azure-resourcemanager-network 2.57.0 (compute's dependency). */
    public static final String NIC_API_VERSION = "2025-03-01";
    public static final String DEFAULT_TRUSTSTORE_PASSWORD = "changeit";

    private final HttpsServer server;
    private final ExecutorService executor;
    private final ArmModel model;
    private final Faults faults;
    private final OperationLog operationLog;
    private final SelfSignedTls tls;
    private final URI url;
    private final String truststorePassword;

    private ArmEmulator(Builder b) throws IOException, GeneralSecurityException {
        Path directory = b.directory != null ? b.directory : Files.createTempDirectory("arm-emulator");
        this.truststorePassword = b.truststorePassword;
        this.tls = SelfSignedTls.create(directory, truststorePassword);
        this.model = new ArmModel(Clock.systemUTC());
        this.faults = new Faults(b.randomSeed, b.operationDuration, b.pollRetryAfter);
        this.operationLog = new OperationLog();
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        this.url = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/", new ArmHandler(model, faults, operationLog, url.toString(), b.expectedToken));
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "arm-emulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        for (VmSpec spec : b.seeds) {
            model.seed(spec);
        }
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The base URL, e.g. {@code https://127.0.0.1:41234}: ARM's resource manager endpoint for clients. */
    public URI url() {
        return url;
    }

    /** A PKCS12 truststore holding the emulator's certificate. */
    public Path truststore() {
        return tls.truststore();
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    /** A client TLS context that trusts the emulator's certificate and nothing else. */
    public SSLContext clientSslContext() {
        try {
            return tls.clientContext();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the emulator's truststore", e);
        }
    }

    public Faults faults() {
        return faults;
    }

    public OperationLog operationLog() {
        return operationLog;
    }

    public void seed(VmSpec spec) {
        model.seed(spec);
    }

    /** An empty resource group (VMs seeded make theirs). */
    public void addResourceGroup(String subscription, String group) {
        model.addResourceGroup(subscription, group);
    }

    /** Moves a VM, with its disks and network interfaces, to another resource group; returns its new id. */
    public String moveVm(String vmResourceId, String targetGroup) {
        return model.move(ArmId.parse(vmResourceId), targetGroup).toString();
    }

    /** The VM as ARM has it now, if it exists. */
    public Optional<VmView> vm(String resourceId) {
        ArmId id = ArmId.parse(resourceId);
        synchronized (model) {
            return model.findVm(id).map(vm -> new VmView(vm.id.toString(), vm.id.resourceGroup(), vm.power, vm.provisioningState,
                    vm.disks.stream().map(ArmId::toString).toList(), vm.nics.stream().map(ArmId::toString).toList()));
        }
    }

    public boolean diskExists(String resourceId) {
        return model.findDisk(ArmId.parse(resourceId)).isPresent();
    }

    public boolean networkInterfaceExists(String resourceId) {
        return model.findNic(ArmId.parse(resourceId)).isPresent();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A VM as tests read it back: its id, resource group, power and provisioning state, disks and interfaces. */
    public record VmView(String id, String resourceGroup, ArmPowerState powerState, String provisioningState,
                         List<String> disks, List<String> networkInterfaces) {
    }

    /** Settings of an emulator to start. */
    public static final class Builder {
        private int port;
        private long randomSeed = 1;
        private Duration operationDuration = Duration.ofMillis(300);
        private Duration pollRetryAfter = Duration.ofSeconds(1);
        private String expectedToken;
        private Path directory;
        private String truststorePassword = DEFAULT_TRUSTSTORE_PASSWORD;
        private int threads = 16;
        private final List<VmSpec> seeds = new ArrayList<>();

        private Builder() {
        }

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Seeds the random source behind fault rates, so a run's faults repeat. */
        public Builder randomSeed(long seed) {
            this.randomSeed = seed;
            return this;
        }

        /** How long an asynchronous operation runs before it succeeds (default 300 ms). */
        public Builder operationDuration(Duration duration) {
            this.operationDuration = duration;
            return this;
        }

        /** The Retry-After of 202 answers and in-progress polls (default 1 s; zero lets the client choose). */
        public Builder pollRetryAfter(Duration retryAfter) {
            this.pollRetryAfter = retryAfter;
            return this;
        }

        /** Accept only this bearer token (by default any non-empty bearer token is accepted). */
        public Builder expectedToken(String token) {
            this.expectedToken = token;
            return this;
        }

        /** Where the key and truststore files go (default: a new temporary directory). */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        public Builder truststorePassword(String password) {
            this.truststorePassword = password;
            return this;
        }

        /** Request-handling threads: calls answered at once, injected latency included (default 16). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder seed(VmSpec... specs) {
            seeds.addAll(List.of(specs));
            return this;
        }

        public ArmEmulator start() throws IOException {
            try {
                return new ArmEmulator(this);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up the emulator's TLS", e);
            }
        }
    }
}
