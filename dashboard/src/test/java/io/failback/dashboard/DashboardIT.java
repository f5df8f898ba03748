package io.failback.dashboard;

import static io.failback.dashboard.Statuses.job;
import static io.failback.dashboard.Statuses.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.failback.messages.AuditKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.JobState;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.failback.testsupport.InJvmKafkaExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.failback.schemas.signing.Roster;
import io.failback.schemas.signing.SignatureCheck;
import io.failback.schemas.signing.Signatures;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard as a running service on a real broker: it shows what the job-state table held before it started,
 * streams changes as small deltas, reads a job's audit trail, and sends control records as failbackctl does.
 */
class DashboardIT {

    @RegisterExtension
    static final InJvmKafkaExtension broker = new InJvmKafkaExtension();

    private static ConfigurableApplicationContext dashboard;
    private static Roster roster;
    private static String base;
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void startTheDashboardAfterAJobWasWritten() {
        // a job in the table before the dashboard starts, and one unreadable record among its entries
        send(Topics.JOB_STATE, Topics.jobStateKey("early"), job("early", JobState.RUNNING, 2, 0, 0));
        sendRaw(Topics.JOB_STATE.name(), Topics.vmStateKey("early", "bad"), new byte[] {(byte) 0xC3, 1, 9, 9, 9});
        send(Topics.JOB_STATE, Topics.vmStateKey("early", "vm-1"), vm("early", "vm-1", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        send(Topics.JOB_STATE, Topics.vmStateKey("early", "vm-2"), vm("early", "vm-2", 2, VmState.WAITING_FOR_GROUP, Step.NONE));
        // the dashboard's own operator key, as failbackctl keygen writes it
        KeyPair pair = Signatures.generate();
        try {
            Path keyFile = Files.createTempDirectory("dashboard-key").resolve("dashboard-1.key");
            Files.writeString(keyFile, Signatures.pem(pair.getPrivate()));
            Properties lines = new Properties();
            lines.load(new StringReader(Roster.linesFor("dashboard", "dashboard-1", pair.getPublic(), "approver")));
            roster = Roster.parse(lines);
            dashboard = new SpringApplicationBuilder(DashboardApplication.class).run("--server.port=0", "--server.address=127.0.0.1",
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(), "--failback.dashboard.live-tick=100ms",
                    "--failback.dashboard.signing-operator=dashboard", "--failback.dashboard.signing-key-file=" + keyFile);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        base = "http://127.0.0.1:" + dashboard.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void shouldShowAJobWrittenBeforeTheDashboardStartedDespiteAnUnreadableRecord() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("/").body())
                .contains("data-job=\"early\"").contains("RUNNING").contains("plan-orders").contains("ops-alice"));
        // and it says it is ready once the table is read to its end, and serves its metrics
        await().atMost(Duration.ofSeconds(60)).until(() -> actuator("/actuator/health/readiness").statusCode() == 200);
        assertThat(actuator("/actuator/health/readiness").body()).contains("jobState");
        assertThat(actuator("/actuator/prometheus").body()).contains("application=\"dashboard\"");
        String page = get("/jobs/early").body();
        assertThat(page).contains("data-vm=\"vm-1\"").contains("data-vm=\"vm-2\"").contains("SHUT_DOWN_AZURE_VM")
                .contains("1m 05s").contains("data-group=\"1\"").contains("data-group=\"2\"");
    }

    @Test
    void shouldStreamAVmsChangeAsOneRowAndTheGroupsProgress() throws Exception {
        // given the job's page is open, following its events
        send(Topics.JOB_STATE, Topics.jobStateKey("live"), job("live", JobState.RUNNING, 2, 0, 0));
        send(Topics.JOB_STATE, Topics.vmStateKey("live", "vm-a"), vm("live", "vm-a", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        send(Topics.JOB_STATE, Topics.vmStateKey("live", "vm-b"), vm("live", "vm-b", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/jobs/live").statusCode() == 200);
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/live/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("closed: " + e);
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().filter(l -> l.startsWith("data:") && l.contains("\"vmId\"")).count() == 2);
        int seen = lines.size();

        // when one VM is failed back
        send(Topics.JOB_STATE, Topics.vmStateKey("live", "vm-a"), vm("live", "vm-a", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE));

        // then the page hears that VM's row and its group's new count, and nothing of the other VM
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines.subList(seen, lines.size()))
                .anySatisfy(l -> assertThat(l).startsWith("data:").contains("\"vmId\":\"vm-a\"").contains("FAILED_BACK_AWAITING_COMMIT"))
                .anySatisfy(l -> assertThat(l).startsWith("data:").contains("\"groups\":[{").contains("\"done\":1")));
        assertThat(lines.subList(seen, lines.size())).noneSatisfy(l -> assertThat(l).contains("vm-b"));
        events.body().close();
    }

    @Test
    void shouldFilterAJobsAuditTrailByVmAndKindAndExportIt() throws Exception {
        send(Topics.JOB_STATE, Topics.jobStateKey("audited"), job("audited", JobState.RUNNING, 2, 0, 0));
        send(Topics.AUDIT, "audited", Statuses.audit("audited", null, AuditKind.REQUEST, "request accepted", "", 0));
        send(Topics.AUDIT, "audited", Statuses.audit("audited", "vm-1", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", "", 1));
        send(Topics.AUDIT, "audited", Statuses.audit("audited", "vm-2", AuditKind.COMMAND, "SHUT_DOWN_AZURE_VM sent", "", 2));
        send(Topics.AUDIT, "audited", Statuses.audit("audited", "vm-1", AuditKind.RESULT, "SHUT_DOWN_AZURE_VM OK", "=cmd|' /C calc'!A0", 3));
        send(Topics.AUDIT, "other", Statuses.audit("other", "vm-1", AuditKind.COMMAND, "not this job", "", 4));

        String all = get("/jobs/audited/audit").body();
        assertThat(all).contains("4 of 4 records").contains("request accepted").doesNotContain("not this job");

        String vm1 = get("/jobs/audited/audit?vm=vm-1").body();
        assertThat(vm1).contains("2 of 4 records").contains("SHUT_DOWN_AZURE_VM OK").doesNotContain("request accepted");

        HttpResponse<String> csv = get("/jobs/audited/audit.csv?vm=vm-1&kind=RESULT");
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"audit-audited.csv\"");
        assertThat(csv.body().split("\r\n")).hasSize(2);
        assertThat(csv.body()).contains("\"'=cmd|' /C calc'!A0\"");

        HttpResponse<String> json = get("/jobs/audited/audit.json?kind=COMMAND");
        assertThat(json.body()).contains("\"vmId\":\"vm-1\"").contains("\"vmId\":\"vm-2\"").doesNotContain("RESULT");
    }

    @Test
    void shouldPublishACommitAsFailbackctlDoesOnlyAfterTheConfirmation() throws Exception {
        // given a job awaiting commit
        send(Topics.JOB_STATE, Topics.jobStateKey("to-commit"), job("to-commit", JobState.AWAITING_COMMIT, 1, 1, 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/jobs/to-commit").statusCode() == 200);

        // when its confirmation is opened, then confirmed
        String confirm = get("/jobs/to-commit/confirm?action=COMMIT").body();
        assertThat(confirm).contains("AWAITING_COMMIT").contains("Commit job to-commit?").contains("deletes the job&#39;s Azure VMs");
        Matcher token = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(confirm);
        assertThat(token.find()).isTrue();
        assertThat(confirm).contains("Signed by this dashboard as operator <strong id=\"signed-as\">dashboard</strong>");
        HttpResponse<String> forged = post("/jobs/to-commit/control", Map.of("action", "COMMIT", "requestedBy", "mallory", "token", "guess"));
        HttpResponse<String> sent = post("/jobs/to-commit/control", Map.of("action", "COMMIT", "requestedBy", "ops-bob", "token", token.group(1)));

        // then the forged post is refused, and one commit, keyed by the job, reaches the control topic
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(sent.statusCode()).isEqualTo(303);
        assertThat(sent.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/jobs/to-commit?sent=COMMIT&control="));
        List<ConsumerRecord<String, ControlCommand>> control = readAll(Topics.CONTROL, 1);
        assertThat(control).hasSize(1);
        assertThat(control.get(0).key()).isEqualTo("to-commit");
        ControlCommand c = control.get(0).value();
        assertThat(c.getAction()).isEqualTo(ControlAction.COMMIT);
        // signed by the dashboard's own operator, whatever the form said, over the bytes the orchestrator reads
        assertThat(c.getRequestedBy()).isEqualTo("dashboard");
        assertThat(new SignatureCheck(roster, Duration.ofMinutes(5)).verify(Topics.CONTROL.name(), "to-commit",
                Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), c), control.get(0).headers(), Roster.Action.COMMIT,
                null, System.currentTimeMillis()).operator()).isEqualTo("dashboard");
        assertThat(c.getJobId()).isEqualTo("to-commit");
        assertThat(c.getVmId()).isNull();
        assertThat(get(sent.headers().firstValue("Location").orElseThrow()).body()).contains("commit sent (control id " + c.getControlId());
    }

    @Test
    void shouldAnswerABadParameterWithANamedError() throws Exception {
        send(Topics.JOB_STATE, Topics.jobStateKey("params"), job("params", JobState.RUNNING, 1, 0, 0));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/jobs/params").statusCode() == 200);

        HttpResponse<String> badState = get("/jobs/params?state=%3Cscript%3E");
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(badState.body()).contains("unknown VM state &lt;script&gt;").doesNotContain("<script>");
        assertThat(get("/jobs/params?page=0").body()).contains("page counts from 1");
        assertThat(get("/jobs/nobody").statusCode()).isEqualTo(404);
        assertThat(get("/jobs/params/confirm?action=DELETE").statusCode()).isEqualTo(400);
        assertThat(get("/jobs/params/confirm").body()).contains("say which action");
        assertThat(get("/").headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
    }

    private static HttpResponse<String> actuator(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(Html.query(v)));
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <V> void send(Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sendRaw(String topic, String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic, int atLeast) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "group.id", "dashboard-it-" + System.nanoTime(), "auto.offset.reset", "earliest"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            c.subscribe(List.of(topic.name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
                return out.size() >= atLeast;
            });
            // anything more sent by the same post arrives with it
            c.poll(Duration.ofSeconds(1)).forEach(out::add);
        }
        return out;
    }
}
