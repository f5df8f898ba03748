package io.failback.sandbox.arm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.failback.schemas.Durations;
import io.failback.schemas.TrustedMessages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Runs the ARM emulator as its own process and prints one ready line,
 * {@code ARM emulator ready url=https://127.0.0.1:PORT truststore=PATH}, then serves until stopped.
 * {@code --help} lists the options; a bad option ends the process with 2 and a usage message.
 */
@Command(name = "arm-emulator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves Azure Resource Manager's compute API over HTTPS on 127.0.0.1 until stopped.")
public final class ArmEmulatorMain implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N", description = "port on 127.0.0.1 (default: a free one)")
    int port;

    @Option(names = "--dir", paramLabel = "PATH", description = "where the key and truststore go (default: a temporary directory)")
    Path directory;

    @Option(names = "--truststore-password", paramLabel = "P", defaultValue = ArmEmulator.DEFAULT_TRUSTSTORE_PASSWORD,
            description = "(default: ${DEFAULT-VALUE}; it guards only a public certificate)")
    String truststorePassword;

    @Option(names = "--vm", paramLabel = "ID[=STATE]", converter = VmConverter.class,
            description = "seed a VM by ARM id, STATE one of RUNNING (default), STOPPED, DEALLOCATED; repeatable")
    List<VmSpec> vms = new ArrayList<>();

    @Option(names = "--seed-file", paramLabel = "PATH", description = "seed VMs from a file, one a line: "
            + "ID [STATE] [dataDisks=N] [nics=N] [location=L] [os=Windows|Linux] [deleteWithVm]; repeatable")
    List<Path> seedFiles = new ArrayList<>();

    @Option(names = "--operation-ms", paramLabel = "DURATION", defaultValue = "300", converter = Millis.class,
            description = "how long an asynchronous operation runs, in ms or as 2s, PT2S (default: ${DEFAULT-VALUE})")
    Duration operationDuration;

    @Option(names = "--poll-retry-after-s", paramLabel = "DURATION", defaultValue = "1", converter = Seconds.class,
            description = "Retry-After on 202 answers and polls, in s or as 500ms (default: ${DEFAULT-VALUE})")
    Duration pollRetryAfter;

    @Option(names = "--latency-ms", paramLabel = "DURATION", defaultValue = "0", converter = Millis.class,
            description = "latency before every answer, in ms (default: ${DEFAULT-VALUE})")
    Duration latency;

    @Option(names = "--throttle-rate", paramLabel = "X", defaultValue = "0",
            description = "share of calls answered 429 (default: ${DEFAULT-VALUE}), with --retry-after-s")
    double throttleRate;

    @Option(names = "--retry-after-s", paramLabel = "DURATION", defaultValue = "1", converter = Seconds.class,
            description = "Retry-After of the throttled answers, in s (default: ${DEFAULT-VALUE})")
    Duration retryAfter;

    @Option(names = "--server-error-rate", paramLabel = "X", defaultValue = "0",
            description = "share of calls answered 500 (default: ${DEFAULT-VALUE})")
    double serverErrorRate;

    @Option(names = "--random-seed", paramLabel = "N", defaultValue = "1", description = "seed of the fault draws (default: ${DEFAULT-VALUE})")
    long randomSeed;

    @Option(names = "--token", paramLabel = "T", description = "accept only this bearer token (default: any)")
    String token;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ArmEmulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TrustedMessages.ensureTrusted();
        ArmEmulator.Builder builder = ArmEmulator.builder().port(port).directory(directory).truststorePassword(truststorePassword)
                .operationDuration(operationDuration).pollRetryAfter(pollRetryAfter).randomSeed(randomSeed).expectedToken(token)
                .seed(vms.toArray(VmSpec[]::new));
        for (Path file : seedFiles) {
            builder.seed(readSeedFile(file).toArray(VmSpec[]::new));
        }
        ArmEmulator emulator = builder.start();
        emulator.faults().latency(latency).throttleRate(throttleRate, retryAfter).serverErrorRate(serverErrorRate);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "arm-emulator-stop"));
        System.out.println("ARM emulator ready url=" + emulator.url() + " truststore=" + emulator.truststore());
        System.out.flush();
        stopped.await();
        return 0;
    }

    static List<VmSpec> readSeedFile(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(ArmEmulatorMain::parseVm).toList();
    }

    /** One seed line: an ARM VM id followed by optional words (see {@code --seed-file}). */
    static VmSpec parseVm(String line) {
        String[] words = line.strip().split("\\s+");
        VmSpec defaults = VmSpec.of(words[0]);
        ArmPowerState power = defaults.powerState();
        String location = defaults.location();
        String os = defaults.osType();
        int dataDisks = defaults.dataDisks();
        int nics = defaults.networkInterfaces();
        boolean deleteWithVm = defaults.deleteWithVm();
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int eq = word.indexOf('=');
            String key = (eq < 0 ? word : word.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : word.substring(eq + 1);
            switch (key) {
                case "datadisks" -> dataDisks = Integer.parseInt(value);
                case "nics" -> nics = Integer.parseInt(value);
                case "location" -> location = value;
                case "os" -> os = value;
                case "deletewithvm" -> deleteWithVm = true;
                default -> power = ArmPowerState.valueOf(word.toUpperCase(Locale.ROOT));
            }
        }
        return new VmSpec(defaults.id(), location, power, os, defaults.vmSize(), dataDisks, nics, deleteWithVm);
    }

    /** {@code --vm ID[=STATE]}. */
    static final class VmConverter implements ITypeConverter<VmSpec> {
        @Override
        public VmSpec convert(String value) {
            return parseVm(value.replace('=', ' '));
        }
    }

    /** A duration where a bare number counts milliseconds, as the {@code -ms} options always took. */
    static final class Millis implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value, ChronoUnit.MILLIS);
        }
    }

    /** A duration where a bare number counts seconds, as the {@code -s} options always took. */
    static final class Seconds implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value, ChronoUnit.SECONDS);
        }
    }

    private static Duration duration(String value, ChronoUnit bareUnit) {
        try {
            return Durations.parse(value, bareUnit);
        } catch (Durations.InvalidDurationException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
