package io.failback.sandbox.arm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import io.failback.schemas.TrustedMessages;

/**
 * Runs the ARM emulator as its own process and prints one ready line,
 * {@code ARM emulator ready url=https://127.0.0.1:PORT truststore=PATH}, then serves until stopped.
 *
 * <pre>
 * --port N                 port on 127.0.0.1 (default: a free one)
 * --dir PATH               where the key and truststore go (default: a temporary directory)
 * --truststore-password P  (default "changeit"; it guards only a public certificate)
 * --vm ID[=STATE]          seed a VM by ARM id, STATE one of RUNNING (default), STOPPED, DEALLOCATED; repeatable
 * --seed-file PATH         seed VMs from a file, one a line: ID [STATE] [dataDisks=N] [nics=N] [location=L] [os=Windows|Linux] [deleteWithVm]
 * --operation-ms N         how long an asynchronous operation runs (default 300)
 * --poll-retry-after-s N   Retry-After on 202 answers and polls (default 1)
 * --latency-ms N           latency before every answer (default 0)
 * --throttle-rate X        share of calls answered 429 (default 0), with --retry-after-s N (default 1)
 * --server-error-rate X    share of calls answered 500 (default 0)
 * --random-seed N          seed of the fault draws (default 1)
 * --token T                accept only this bearer token (default: any)
 * </pre>
 */
public final class ArmEmulatorMain {

    private ArmEmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        TrustedMessages.ensureTrusted();
        ArmEmulator.Builder builder = ArmEmulator.builder();
        double throttleRate = 0;
        double serverErrorRate = 0;
        long latencyMs = 0;
        long retryAfterSeconds = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> builder.port(Integer.parseInt(value));
                case "--dir" -> builder.directory(Path.of(value));
                case "--truststore-password" -> builder.truststorePassword(value);
                case "--vm" -> builder.seed(parseVm(value.replace('=', ' ')));
                case "--seed-file" -> builder.seed(readSeedFile(Path.of(value)).toArray(VmSpec[]::new));
                case "--operation-ms" -> builder.operationDuration(Duration.ofMillis(Long.parseLong(value)));
                case "--poll-retry-after-s" -> builder.pollRetryAfter(Duration.ofSeconds(Long.parseLong(value)));
                case "--latency-ms" -> latencyMs = Long.parseLong(value);
                case "--throttle-rate" -> throttleRate = Double.parseDouble(value);
                case "--retry-after-s" -> retryAfterSeconds = Long.parseLong(value);
                case "--server-error-rate" -> serverErrorRate = Double.parseDouble(value);
                case "--random-seed" -> builder.randomSeed(Long.parseLong(value));
                case "--token" -> builder.expectedToken(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see ArmEmulatorMain's javadoc)");
            }
            i++;
        }
        ArmEmulator emulator = builder.start();
        emulator.faults().latency(Duration.ofMillis(latencyMs))
                .throttleRate(throttleRate, Duration.ofSeconds(retryAfterSeconds))
                .serverErrorRate(serverErrorRate);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "arm-emulator-stop"));
        System.out.println("ARM emulator ready url=" + emulator.url() + " truststore=" + emulator.truststore());
        System.out.flush();
        stopped.await();
    }

    static List<VmSpec> readSeedFile(Path file) throws IOException {
        List<VmSpec> specs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                specs.add(parseVm(trimmed));
            }
        }
        return specs;
    }

    /** One seed line: an ARM VM id followed by optional words (see the class comment). */
    static VmSpec parseVm(String line) {
        String[] words = line.strip().split("\\s+");
        VmSpec spec = VmSpec.of(words[0]);
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int eq = word.indexOf('=');
            String key = (eq < 0 ? word : word.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            switch (key) {
                case "datadisks" -> spec = spec.dataDisks(Integer.parseInt(value));
                case "nics" -> spec = spec.networkInterfaces(Integer.parseInt(value));
                case "location" -> spec = spec.location(value);
                case "os" -> spec = spec.osType(value);
                case "deletewithvm" -> spec = spec.deleteWithVm(true);
                default -> spec = spec.powerState(ArmPowerState.valueOf(word.toUpperCase(Locale.ROOT)));
            }
        }
        return spec;
    }
}
