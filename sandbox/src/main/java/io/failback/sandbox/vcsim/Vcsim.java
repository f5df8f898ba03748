package io.failback.sandbox.vcsim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's vCenter: starts the project's vcsim binary (govmomi's simulator, built by
 * {@code sandbox/vcsim/build.sh} when missing), waits for its ready line, and can freeze and thaw it
 * (SIGSTOP, SIGCONT) to play a vCenter that hangs without losing its inventory. For tests and the demo.
 */
public final class Vcsim implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Vcsim.class);
    private static final String READY = "vcsim-ready";
    private static final String CALL = "vcsim-call method=";

    private final Process process;
    private final URI url;
    private final Path certificate;
    private final String username;
    private final String password;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean frozen;

    private Vcsim(Process process, URI url, Path certificate, String username, String password) {
        this.process = process;
        this.url = url;
        this.certificate = certificate;
        this.username = username;
        this.password = password;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The SDK endpoint, e.g. {@code https://127.0.0.1:40123/sdk}. */
    public URI url() {
        return url;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public long pid() {
        return process.pid();
    }

    /** The PEM certificate the simulator serves, when it serves HTTPS. */
    public Optional<Path> certificate() {
        return Optional.ofNullable(certificate);
    }

    /** A truststore holding only the simulator's certificate. */
    public KeyStore trustStore() {
        Path pem = certificate().orElseThrow(() -> new IllegalStateException("the simulator serves plain HTTP"));
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("vcsim-" + i++, cert);
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the simulator's certificate " + pem, e);
        }
    }

    /** Writes {@link #trustStore()} as a PKCS12 file and returns its path. */
    public Path writeTrustStore(Path file, char[] storePassword) {
        try (OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, storePassword);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the process (SIGSTOP): connections stay open, calls hang, the inventory is kept. */
    public void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** Resumes a frozen process (SIGCONT). */
    public void thaw() {
        signal("CONT");
        frozen = false;
    }

    /**
     * Freezes the simulator now and thaws it once {@code hang} has passed, in the background: a vCenter that
     * hangs for a while. The future completes at the thaw.
     */
    public CompletableFuture<Void> freezeFor(Duration hang) {
        freeze();
        return CompletableFuture.runAsync(this::thaw, CompletableFuture.delayedExecutor(hang.toMillis(), TimeUnit.MILLISECONDS));
    }

    public boolean frozen() {
        return frozen;
    }

    /** How many SOAP calls of this method arrived so far (needs {@link Builder#trace()}). */
    public int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /** Waits until at least {@code count} calls of the method arrived (needs {@link Builder#trace()}). */
    public void awaitCalls(String method, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (calls(method) < count) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("no " + count + " " + method + " call(s) within " + timeout
                            + " (saw " + calls(method) + ")");
                }
                try {
                    calls.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        if (frozen) {
            thaw();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void countCall(String line) {
        int at = line.indexOf(CALL);
        if (at < 0) {
            return;
        }
        String method = line.substring(at + CALL.length()).trim();
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        synchronized (calls) {
            calls.notifyAll();
        }
    }

    /** Finds the sandbox directory from the working directory of any module of the project. */
    static Path sandboxDirectory() {
        String configured = System.getProperty("failback.sandbox.dir");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("vcsim/build.sh"))) {
                return dir;
            }
            if (Files.isRegularFile(dir.resolve("sandbox/vcsim/build.sh"))) {
                return dir.resolve("sandbox");
            }
        }
        throw new IllegalStateException("sandbox/vcsim/build.sh not found above " + Path.of("").toAbsolutePath()
                + "; set -Dfailback.sandbox.dir");
    }

    /** The simulator binary, built first when missing or older than its source (one build at a time in this JVM). */
    public static synchronized Path binary() {
        Path sandbox = sandboxDirectory();
        Path binary = sandbox.resolve("target/vcsim/vcsim");
        if (Files.isExecutable(binary) && !olderThan(binary, sandbox.resolve("vcsim/main.go"))) {
            return binary;
        }
        log.info("building the vCenter simulator with {}", sandbox.resolve("vcsim/build.sh"));
        try {
            Process build = new ProcessBuilder("bash", sandbox.resolve("vcsim/build.sh").toString(), binary.toString())
                    .redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (build.waitFor() != 0 || !Files.isExecutable(binary)) {
                throw new IllegalStateException("building the vCenter simulator failed:\n" + output);
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean olderThan(Path binary, Path source) {
        try {
            return Files.exists(source) && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Options of one simulator process; each maps to a flag of {@code sandbox/vcsim/main.go}. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private final Map<String, Integer> methodDelays = new HashMap<>();
        private String username = "user";
        private String password = "pass";
        private boolean http;
        private Duration readyTimeout = Duration.ofMinutes(3);

        private Builder() {
        }

        public Builder port(int port) {
            return flag("-port", Integer.toString(port));
        }

        public Builder listen(String address) {
            return flag("-listen", address);
        }

        /** Plain HTTP instead of HTTPS. */
        public Builder http() {
            this.http = true;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /** A seed in the JSON shape of {@code Seed} in main.go. */
        public Builder seedJson(String json) {
            return flag("-seed-json", json);
        }

        public Builder seedFile(Path file) {
            return flag("-seed", file.toAbsolutePath().toString());
        }

        /** Generated model size: datacenters, clusters per datacenter, hosts per cluster, VMs per pool. */
        public Builder model(int datacenters, int clusters, int hostsPerCluster, int vmsPerPool) {
            flag("-dc", Integer.toString(datacenters));
            flag("-cluster", Integer.toString(clusters));
            flag("-host", Integer.toString(hostsPerCluster));
            return flag("-vm", Integer.toString(vmsPerPool));
        }

        public Builder delay(Duration everyCall) {
            return flag("-delay", Long.toString(everyCall.toMillis()));
        }

        public Builder methodDelay(String method, Duration delay) {
            methodDelays.put(method, Math.toIntExact(delay.toMillis()));
            return this;
        }

        public Builder jitter(double coefficientOfVariation) {
            return flag("-jitter", Double.toString(coefficientOfVariation));
        }

        public Builder sessionIdleTimeout(Duration idle) {
            return flag("-session-idle-timeout", idle.toMillis() + "ms");
        }

        /** Logs every SOAP call, so that {@link #calls} and {@link #awaitCalls} work. */
        public Builder trace() {
            return flag("-trace", null);
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        private Builder flag(String name, String value) {
            args.add(value == null ? name : name + "=" + value);
            return this;
        }

        public Vcsim start() {
            List<String> command = new ArrayList<>();
            command.add(binary().toString());
            command.addAll(args);
            command.add("-username=" + username);
            if (http) {
                command.add("-http");
            }
            if (!methodDelays.isEmpty()) {
                StringBuilder delays = new StringBuilder();
                methodDelays.forEach((m, ms) -> delays.append(delays.length() == 0 ? "" : ",").append(m).append(':').append(ms));
                command.add("-method-delay=" + delays);
            }
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command);
                // by environment, not argument: a process's arguments are visible to every local user
                builder.environment().put("VCSIM_PASSWORD", password);
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
            Vcsim[] self = new Vcsim[1];
            StringBuilder early = new StringBuilder();
            Thread err = new Thread(() -> drain(process.getErrorStream(), line -> {
                synchronized (early) {
                    if (self[0] != null) {
                        self[0].countCall(line);
                    } else {
                        early.append(line).append('\n');
                    }
                }
                log.debug("vcsim[{}] {}", process.pid(), line);
            }), "vcsim-stderr-" + process.pid());
            Thread out = new Thread(() -> drain(process.getInputStream(), line -> {
                if (line.startsWith(READY)) {
                    ready.complete(fields(line));
                } else {
                    log.debug("vcsim[{}] {}", process.pid(), line);
                }
            }), "vcsim-stdout-" + process.pid());
            err.setDaemon(true);
            out.setDaemon(true);
            err.start();
            out.start();
            process.onExit().thenRun(() -> ready.completeExceptionally(
                    new IllegalStateException("vcsim exited with " + process.exitValue())));
            try {
                Map<String, String> fields = ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
                String cert = fields.get("certificate");
                Vcsim vcsim = new Vcsim(process, URI.create(fields.get("url")), cert == null ? null : Path.of(cert),
                        username, password);
                synchronized (early) {
                    self[0] = vcsim;
                    early.toString().lines().forEach(vcsim::countCall);
                }
                log.info("vCenter simulator {} ready at {} (pid {})", http ? "over HTTP" : "over HTTPS", vcsim.url, process.pid());
                return vcsim;
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
                String stderr;
                synchronized (early) {
                    stderr = early.toString();
                }
                throw new IllegalStateException("vcsim did not get ready: " + e.getMessage() + "\n" + stderr, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }

        private static Map<String, String> fields(String line) {
            Map<String, String> fields = new HashMap<>();
            for (String part : line.split("\t")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return fields;
        }

        private static void drain(InputStream in, java.util.function.Consumer<String> sink) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }
    }
}
