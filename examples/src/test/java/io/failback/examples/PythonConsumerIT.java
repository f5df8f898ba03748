package io.failback.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.failback.testsupport.InJvmKafka;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Python consumer of {@code examples/python} (Debian's python3-avro and python3-confluent-kafka, nothing of the
 * project but the released .avsc files): it fingerprints every released schema as Java does, and reads what the
 * Java serde wrote on the status and audit topics of a real broker.
 */
class PythonConsumerIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("examples/python/failback_consumer.py");
    private static final Path RELEASED = ROOT.resolve("schemas/src/main/resources/released");
    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void start() {
        broker = InJvmKafka.start();
    }

    @AfterAll
    static void stop() {
        broker.destroy();
    }

    @Test
    void shouldFingerprintEveryReleasedSchemaAsJavaDoes() throws Exception {
        // given Java's fingerprints of the released files (what the single-object encoding writes)
        Map<String, String> java = new TreeMap<>();
        try (Stream<Path> files = Files.walk(RELEASED)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                Schema schema = new Schema.Parser().parse(file.toFile());
                java.put(RELEASED.relativize(file).toString().replace(File.separatorChar, '/'),
                        String.format("%016x", SchemaNormalization.parsingFingerprint64(schema)));
            }
        }

        // when the Python example computes its own
        Run run = python("--fingerprints", "--released", RELEASED.toString());

        // then they are the same, file by file
        assertThat(run.code).as(run.err).isZero();
        Map<String, String> python = new TreeMap<>();
        run.out.lines().map(l -> l.split(" ")).forEach(p -> python.put(p[0], p[1]));
        assertThat(java).isNotEmpty();
        assertThat(python).isEqualTo(java);
    }

    @Test
    void shouldReadAJobsStatusAndAuditWrittenByTheJavaSerde() throws Exception {
        // given a job's status (the job, a VM with its applied point) and an audit record, as the orchestrator writes them
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        StatusEvent job = StatusEvent.newBuilder().setJobId("py-job").setAt(at).setJob(JobStatus.newBuilder()
                .setState(JobState.AWAITING_COMMIT).setRequestId("py-job").setRequestedBy("alice").setPlanId("plan-é")
                .setRecoveryPoint(RecoveryPointKind.LATEST).setCommitPolicy(CommitPolicyKind.MANUAL).setTotalVms(1)
                .setGroupCount(1).setCurrentGroup(1).setVmsDone(1).setVmsFailed(0).build()).build();
        ChosenRecoveryPoint point = new ChosenRecoveryPoint("rp-7", at.minusSeconds(90), Consistency.APP_CONSISTENT, null, 90_000L);
        StatusEvent vm = StatusEvent.newBuilder().setJobId("py-job").setAt(at).setVm(VmStatus.newBuilder().setVmId("web01")
                .setGroup(1).setState(VmState.FAILED_BACK_AWAITING_COMMIT).setStep(Step.NONE).setRecoveryPoint(point)
                .setAppliedPoint(point).build()).build();
        AuditRecord audit = AuditRecord.newBuilder().setJobId("py-job").setVmId("web01").setCommandId("py-job:web01:3:POWER_ON_ON_PREMISES_VM")
                .setAt(at).setRequestedBy("alice").setKind(AuditKind.RESULT).setAction("POWER_ON_ON_PREMISES_VM OK").setDetail("").build();
        send(Topics.STATUS, "py-job", job);
        send(Topics.STATUS, "py-job", vm);
        send(Topics.STATUS, "another-job", job);
        send(Topics.AUDIT, "py-job", audit);

        // when the Python consumer reads the job's records
        Run run = python("--bootstrap-servers", broker.getBrokersAsString(), "--job", "py-job", "--idle", "5");

        // then it decoded each with the schema version it was written with, and only that job's
        assertThat(run.code).as(run.err).isZero();
        List<String> lines = run.out.lines().toList();
        assertThat(lines).hasSize(3);
        String newestStatus = "StatusEvent v" + newest("io.failback.messages.StatusEvent");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"topic\": \"failback.status\"", "\"schema\": \"" + newestStatus + "\"",
                "\"state\": \"AWAITING_COMMIT\"", "\"planId\": \"plan-é\"", "\"requestedBy\": \"alice\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"vmId\": \"web01\"", "\"state\": \"FAILED_BACK_AWAITING_COMMIT\"",
                "\"appliedPoint\": {\"pointId\": \"rp-7\"", "\"dataLossWindowMillis\": 90000"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"topic\": \"failback.audit\"", "\"schema\": \"AuditRecord v",
                "\"kind\": \"RESULT\"", "\"commandId\": \"py-job:web01:3:POWER_ON_ON_PREMISES_VM\"", "\"at\": \"2026-01-02T03:04:05"));
    }

    private static int newest(String fullName) throws Exception {
        try (Stream<Path> files = Files.list(RELEASED.resolve(fullName))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("v\\d+\\.avsc"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.length() - 5))).max().orElseThrow();
        }
    }

    private static <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.getBrokersAsString(),
                "acks", "all"), topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private record Run(int code, String out, String err) {
    }

    /** Debian's interpreter, where scripts/prerequisites.sh installs python3-avro and python3-confluent-kafka. */
    private static Run python(String... args) throws Exception {
        String interpreter = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(interpreter, SCRIPT.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("python-out", ".txt");
        Path err = Files.createTempFile("python-err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the Python consumer did not finish within 2 minutes: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
