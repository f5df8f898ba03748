package io.failback.sandbox.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The local broker for the demo: a {@link KafkaBrokerProcess} on a data directory, with every catalog
 * topic created. Prints {@code READY bootstrap=host:port} when it can be used and stops the broker when
 * it is stopped itself.
 *
 * <pre>java -cp ... io.failback.sandbox.kafka.SandboxKafka --data-dir DIR [--port 9092]</pre>
 */
public final class SandboxKafka {

    private SandboxKafka() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = null;
        int port = 9092;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: SandboxKafka --data-dir DIR [--port PORT]   (unknown argument: " + args[i] + ")");
                System.exit(2);
            }
        }
        if (dataDir == null) {
            System.err.println("usage: SandboxKafka --data-dir DIR [--port PORT]   (--data-dir is required)");
            System.exit(2);
        }
        KafkaBrokerProcess broker = KafkaBrokerProcess.on(dataDir, port).start(Duration.ofMinutes(2));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "sandbox-kafka-stop"));
        var created = CatalogTopics.create(broker.bootstrapServers(), (short) 1);
        System.out.println("READY bootstrap=" + broker.bootstrapServers() + " pid=" + broker.pid() + " topicsCreated=" + created.size());
        System.out.flush();
        stopped.await();
    }
}
