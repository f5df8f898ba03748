package io.failback.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks for secrets where they must never be: every line of every service's log, and every key, value and header of
 * every record on every topic of the broker (internal ones included). A secret is found as itself and as its base64.
 */
final class SecretScan {

    private SecretScan() {
    }

    /** Where each secret was found, as "secret name in place"; empty when nowhere. */
    static List<String> findings(Map<String, String> secrets, Path logs, Map<String, Object> kafka) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                secrets.forEach((name, secret) -> forms(secret).forEach(form -> {
                    if (contains(content, form)) {
                        found.add(name + " in log " + file.getFileName());
                    }
                }));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.addAll(inTopics(secrets, kafka));
        return found;
    }

    /** How many records the scan read: a scan that read nothing proves nothing. */
    static long recordsIn(Map<String, Object> kafka) {
        long[] count = {0};
        eachRecord(kafka, (topic, r) -> count[0]++);
        return count[0];
    }

    private static List<String> inTopics(Map<String, String> secrets, Map<String, Object> kafka) {
        List<String> found = new ArrayList<>();
        eachRecord(kafka, (topic, r) -> secrets.forEach((name, secret) -> forms(secret).forEach(form -> {
            boolean in = r.key() != null && contains(r.key(), form) || r.value() != null && contains(r.value(), form);
            for (Header h : r.headers()) {
                in |= h.value() != null && contains(h.value(), form) || contains(h.key().getBytes(StandardCharsets.UTF_8), form);
            }
            if (in) {
                found.add(name + " on topic " + topic + " at offset " + r.offset());
            }
        })));
        return found;
    }

    private interface Visitor {
        void visit(String topic, ConsumerRecord<byte[], byte[]> record);
    }

    private static void eachRecord(Map<String, Object> kafka, Visitor visitor) {
        Properties admin = new Properties();
        admin.putAll(kafka);
        Properties consumer = new Properties();
        consumer.putAll(kafka);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // aborted writes count too
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (Admin a = Admin.create(admin);
             KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (String topic : a.listTopics(new ListTopicsOptions().listInternal(true)).names().get()) {
                List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                c.assign(partitions);
                c.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
                while (partitions.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                    c.poll(Duration.ofMillis(500)).forEach(r -> visitor.visit(topic, r));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> forms(String secret) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(raw, Base64.getEncoder().withoutPadding().encode(raw), Base64.getUrlEncoder().withoutPadding().encode(raw));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Writes {@code canary} into a log file under {@code work}/canary-logs and, base64-encoded, into a record's header. */
    static String plantCanary(Path work, Map<String, Object> kafka, String canary) {
        try {
            Files.createDirectories(work.resolve("canary-logs"));
            Files.writeString(work.resolve("canary-logs").resolve("canary.log"), "INFO a line that leaks " + canary + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties producer = new Properties();
        producer.putAll(kafka);
        try (Admin a = Admin.create(producer)) {
            a.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("e2e.canary", 1, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> p = new org.apache.kafka.clients.producer.KafkaProducer<>(
                producer, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> r =
                    new org.apache.kafka.clients.producer.ProducerRecord<>("e2e.canary", new byte[] {1});
            r.headers().add("authorization", Base64.getEncoder().encode(canary.getBytes(StandardCharsets.UTF_8)));
            p.send(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return canary;
    }

    static String describe(Map<String, String> secrets) {
        return Arrays.toString(secrets.keySet().toArray());
    }
}
