package io.failback.ctl.it;

import static io.failback.ctl.view.StatusEvents.appConsistent;
import static io.failback.ctl.view.StatusEvents.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.failback.ctl.ExitCode;
import io.failback.ctl.FailbackCtl;
import io.failback.ctl.cli.Console;
import io.failback.ctl.view.StatusEvents;
import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReprotectOptions;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.testsupport.InJvmKafkaExtension;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a real KRaft broker in this JVM: the records it writes, read back; what it
 * renders from status events this test publishes in the orchestrator's place; its exit codes.
 */
class FailbackCtlIT {

    @RegisterExtension
    static final InJvmKafkaExtension broker = new InJvmKafkaExtension();
    private static KafkaTestSupport kafka;
    private static final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    static void startBroker() {
        kafka = new KafkaTestSupport(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        background.shutdownNow();
    }

    /** One run of the command line with captured output, as a script would see it (not a terminal). */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Map<String, String> env;

        Run(Map<String, String> env) {
            this.env = env;
        }

        int exec(String... args) {
            Console console = new Console(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC);
            return FailbackCtl.run(args, console);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** The broker given by the environment variable, as the demo's scripts do. */
    private static Run run() {
        return new Run(Map.of("FAILBACK_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "USER", "operator-env"));
    }

    private static String[] args(String... args) {
        return args;
    }

    @Test
    void shouldPublishTheRequestKeyedByItsIdAndPrintTheJobId() {
        // given
        Run run = run();

        // when
        int code = run.exec("submit", "--plan", "plan-erp", "--recovery-point", "latest-app-consistent", "--commit", "auto-commit",
                "--commit-delay", "30s", "--reprotect", "--process-server", "ps-01", "--request-id", "it-submit-plan",
                "--requested-by", "alice");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(run.out()).isEqualTo("it-submit-plan" + System.lineSeparator());
        ConsumerRecord<String, FailbackRequest> record = kafka.find(Topics.REQUESTS, "it-submit-plan", Duration.ofSeconds(10));
        FailbackRequest r = record.value();
        assertThat(r.getRequestId()).isEqualTo("it-submit-plan");
        assertThat(r.getRequestedBy()).isEqualTo("alice");
        assertThat(r.getPlanId()).isEqualTo("plan-erp");
        assertThat(r.getVmIds()).isEmpty();
        assertThat(r.getRecoveryPoint()).isEqualTo(RecoveryPointKind.LATEST_APP_CONSISTENT);
        assertThat(r.getCommitPolicy()).isEqualTo(new CommitPolicy(CommitPolicyKind.AUTO_COMMIT, 30));
        assertThat(r.getReprotect()).isEqualTo(new ReprotectOptions("ps-01"));
        assertThat(r.getRequestedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void shouldGenerateARequestIdThatIsTheRecordKeyAndTakeTheRequesterFromUser() {
        // given
        Run run = run();

        // when
        int code = run.exec("submit", "--vm", "web01", "--vm", "web02");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        String jobId = run.out().trim();
        assertThat(jobId).startsWith("fb-");
        FailbackRequest r = kafka.find(Topics.REQUESTS, jobId, Duration.ofSeconds(10)).value();
        assertThat(r.getRequestId()).isEqualTo(jobId);
        assertThat(r.getVmIds()).containsExactly("web01", "web02");
        assertThat(r.getRequestedBy()).isEqualTo("operator-env");
        assertThat(r.getCommitPolicy()).isEqualTo(new CommitPolicy(CommitPolicyKind.MANUAL, 0));
        assertThat(run.err()).contains("job " + jobId + " fails back 2 VMs to the latest recovery point, commit manual");
    }

    @Test
    void shouldSendCommitAndCancelKeyedByJobIdForAKnownJob() throws Exception {
        // given
        kafka.publishStatus(new StatusEvents("it-control").job(JobState.AWAITING_COMMIT, 2, 3, 0));

        // when
        Run commit = run();
        int committed = commit.exec("commit", "it-control", "--requested-by", "carol");
        Run cancel = run();
        int cancelled = cancel.exec("cancel", "it-control");

        // then
        assertThat(committed).isEqualTo(ExitCode.OK);
        assertThat(cancelled).isEqualTo(ExitCode.OK);
        assertThat(commit.out()).startsWith("commit sent for job it-control (its state was AWAITING_COMMIT; control id ");
        List<ConsumerRecord<String, ControlCommand>> sent = kafka.first(Topics.CONTROL, "it-control", 2, Duration.ofSeconds(30));
        assertThat(sent).extracting(r -> r.value().getAction() + " " + r.value().getJobId() + " " + r.value().getRequestedBy())
                .containsExactly("COMMIT it-control carol", "CANCEL it-control operator-env");
        assertThat(sent.get(0).value().getControlId()).isNotEqualTo(sent.get(1).value().getControlId());
    }

    @Test
    void shouldSignSubmitAndCommitWithTheKeyKeygenWroteSoTheRosterVerifiesThem(@TempDir Path keys) throws Exception {
        // given an operator's key, written by keygen, and the roster lines it printed
        Run keygen = run();
        assertThat(keygen.exec("keygen", "--operator", "carol", "--out", keys.toString(), "--roles", "requester,approver"))
                .isEqualTo(ExitCode.OK);
        java.util.Properties lines = new java.util.Properties();
        lines.load(new java.io.StringReader(keygen.out()));
        io.failback.schemas.signing.SignatureCheck check = new io.failback.schemas.signing.SignatureCheck(
                io.failback.schemas.signing.Roster.parse(lines), Duration.ofMinutes(5));
        Path keyFile = Files.list(keys).findFirst().orElseThrow();
        kafka.publishStatus(new StatusEvents("it-signed").job(JobState.AWAITING_COMMIT, 1, 1, 0));
        Map<String, String> env = Map.of("FAILBACK_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "USER", "operator-env",
                "FAILBACK_OPERATOR", "carol", "FAILBACK_OPERATOR_KEY", keyFile.toString());

        // when carol submits and commits with it
        assertThat(new Run(env).exec("submit", "--vm", "web01", "--request-id", "it-signed-request")).isEqualTo(ExitCode.OK);
        assertThat(new Run(env).exec("commit", "it-signed")).isEqualTo(ExitCode.OK);

        // then both carry carol's signature over the value as sent, which the orchestrator's check accepts
        ConsumerRecord<String, FailbackRequest> request = kafka.first(Topics.REQUESTS, "it-signed-request", 1, Duration.ofSeconds(30)).get(0);
        ConsumerRecord<String, ControlCommand> commit = kafka.first(Topics.CONTROL, "it-signed", 1, Duration.ofSeconds(30)).get(0);
        long now = System.currentTimeMillis();
        // the bytes re-encoded: the same schema writes the same bytes
        assertThat(check.verify(Topics.REQUESTS.name(), request.key(), Topics.REQUESTS.valueSerde().serializer()
                .serialize(Topics.REQUESTS.name(), request.value()), request.headers(), io.failback.schemas.signing.Roster.Action.SUBMIT,
                null, now).operator()).isEqualTo("carol");
        assertThat(check.verify(Topics.CONTROL.name(), commit.key(), Topics.CONTROL.valueSerde().serializer()
                .serialize(Topics.CONTROL.name(), commit.value()), commit.headers(), io.failback.schemas.signing.Roster.Action.COMMIT,
                null, now).ok()).isTrue();
        assertThat(request.value().getRequestedBy()).isEqualTo("carol");
        assertThat(commit.value().getRequestedBy()).isEqualTo("carol");
    }

    @Test
    void shouldRefuseToControlAJobTheStatusTopicHasNeverSeen() {
        // given
        Run run = run();

        // when
        int code = run.exec("commit", "it-no-such-job");

        // then
        assertThat(code).isEqualTo(ExitCode.JOB_NOT_FOUND);
        assertThat(run.err()).isEqualTo("failbackctl: job it-no-such-job not found on failback.status" + System.lineSeparator());
        kafka.assertNoneFor(Topics.CONTROL, "it-no-such-job", Duration.ofSeconds(1));
    }

    @Test
    void shouldShowEveryVmWithRecoveryPointDataLossAndReasons() throws Exception {
        // given
        StatusEvents e = new StatusEvents("it-show");
        kafka.publishStatus(
                e.job(JobState.RUNNING, 1, 0, 0),
                e.vm("web01", 1, VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM, appConsistent("rp-9", "cg-web", 125_000)),
                e.vm("db01", 2, VmState.REJECTED, Step.NONE, reason(ReasonCode.NO_RECOVERY_POINT, "no app-consistent point")),
                e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-9", "cg-web", 125_000)),
                e.job(JobState.AWAITING_COMMIT, 2, 1, 1, reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT, "db01 failed preflight")));
        Run run = run();

        // when
        int code = run.exec("show", "it-show");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains(
                "job it-show: AWAITING_COMMIT",
                "  reason OTHER_VMS_FAILED_PREFLIGHT: db01 failed preflight",
                "VM     GROUP  STATE                        STEP  RECOVERY POINT");
        assertThat(run.out().lines()).anySatisfy(l -> assertThat(l)
                .contains("web01", "FAILED_BACK_AWAITING_COMMIT", "rp-9 app-consistent", "group cg-web", "2m 05s"));
        assertThat(run.out().lines()).anySatisfy(l -> assertThat(l)
                .contains("db01", "REJECTED", "NO_RECOVERY_POINT: no app-consistent point"));
    }

    @Test
    void shouldSayAJobIsNotFoundWithExitCode4() {
        // given
        Run run = run();

        // when
        int code = run.exec("show", "it-missing");

        // then
        assertThat(code).isEqualTo(ExitCode.JOB_NOT_FOUND);
        assertThat(run.err()).contains("job it-missing not found on failback.status");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldListEveryJobWithItsLatestStateCountsAndRequester() throws Exception {
        // given
        StatusEvents first = new StatusEvents("it-jobs-1");
        kafka.publishStatus(first.job(JobState.RUNNING, 1, 0, 0), first.job(JobState.COMPLETED, 2, 3, 0),
                new StatusEvents("it-jobs-2").plan(null, 1, 1).job(JobState.REJECTED, 0, 0, 1));
        Run run = run();

        // when
        int code = run.exec("jobs");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(run.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h)
                .startsWith("JOB").contains("STATE", "PLAN", "VMS", "DONE", "FAILED", "REQUESTED BY", "UPDATED"));
        assertThat(run.out().lines()).anySatisfy(l -> assertThat(l).matches("it-jobs-1 +COMPLETED +plan-erp +3 +3 +0 +alice .*"));
        assertThat(run.out().lines()).anySatisfy(l -> assertThat(l).matches("it-jobs-2 +REJECTED +- +1 +0 +1 +alice .*"));
    }

    @Test
    void shouldWatchLiveChangesUntilAwaitingCommitAndEndWithASummary() throws Exception {
        // given a job already running
        StatusEvents e = new StatusEvents("it-watch");
        kafka.publishStatus(e.job(JobState.RUNNING, 1, 0, 0), e.vm("web01", 1, VmState.FAILING_BACK, Step.SHUT_DOWN_AZURE_VM));
        Run run = run();

        // when the watch has caught up and the job moves on
        Future<Integer> watch = background.submit(() -> run.exec("watch", "it-watch"));
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().contains("web01  group 1  FAILING_BACK  SHUT_DOWN_AZURE_VM"));
        kafka.publishStatus(
                e.vm("web01", 1, VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM),
                e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-1", null, 30_000)),
                e.vm("app01", 2, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-2", null, 45_000)),
                e.job(JobState.AWAITING_COMMIT, 2, 2, 0));

        // then
        assertThat(watch.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCode.OK);
        List<String> lines = run.out().lines().toList();
        List<String> stateLines = lines.stream().filter(l -> !l.startsWith("group ")).toList();
        assertThat(stateLines).containsSubsequence(
                "10:00:00  job it-watch  RUNNING  group 1/2  0/3 done  0 failed",
                "10:00:01  web01  group 1  FAILING_BACK  SHUT_DOWN_AZURE_VM",
                "10:00:02  web01  group 1  FAILING_BACK  ATTACH_TO_ON_PREMISES_VM",
                "10:00:03  web01  group 1  FAILED_BACK_AWAITING_COMMIT  data loss 30s",
                "10:00:04  app01  group 2  FAILED_BACK_AWAITING_COMMIT  data loss 45s",
                "10:00:05  job it-watch  AWAITING_COMMIT  group 2/2  2/3 done  0 failed",
                "job it-watch: AWAITING_COMMIT");
        // the bars follow the batches the watch happened to read, so only their order per group is fixed
        assertThat(lines).containsSubsequence("group 1  [....................]  0/1 done", "group 1  [####################]  1/1 done");
        assertThat(lines).contains("group 2  [####################]  1/1 done");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("app01", "rp-2 app-consistent", "45s"));
    }

    @Test
    void shouldExitWith5WhenTheWatchedJobRollsBack() throws Exception {
        // given
        StatusEvents e = new StatusEvents("it-rollback");
        kafka.publishStatus(
                e.job(JobState.RUNNING, 1, 0, 0),
                e.job(JobState.AWAITING_COMMIT, 1, 1, 0),
                e.job(JobState.ROLLING_BACK, 1, 0, 0),
                e.vm("web01", 1, VmState.ROLLED_BACK, Step.NONE, reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback policy")),
                e.job(JobState.ROLLED_BACK, 1, 0, 1, reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback policy")));
        Run run = run();

        // when
        int code = run.exec("watch", "it-rollback", "--until-done");

        // then
        assertThat(code).isEqualTo(ExitCode.JOB_NOT_SUCCESSFUL);
        assertThat(run.out()).contains("job it-rollback: ROLLED_BACK", "reason AUTO_ROLLBACK: auto-rollback policy")
                .doesNotContain("AWAITING_COMMIT");
    }

    @Test
    void shouldFollowASubmittedJobAsTheOrchestratorAnswers() throws Exception {
        // given
        Run run = run();

        // when submit --watch runs and the orchestrator (played here) answers the request it finds
        Future<Integer> submit = background.submit(() -> run.exec("submit", "--vm", "web01", "--request-id", "it-submit-watch",
                "--watch", "--until-done", "--timeout", "60s"));
        kafka.find(Topics.REQUESTS, "it-submit-watch", Duration.ofSeconds(20));
        StatusEvents e = new StatusEvents("it-submit-watch").plan(null, 1, 1);
        kafka.publishStatus(
                e.job(JobState.RUNNING, 1, 0, 0),
                e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE),
                e.job(JobState.AWAITING_COMMIT, 1, 1, 0),
                e.vm("web01", 1, VmState.COMMITTED, Step.NONE),
                e.job(JobState.COMPLETED, 1, 1, 0));

        // then
        assertThat(submit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCode.OK);
        assertThat(run.out()).startsWith("it-submit-watch" + System.lineSeparator()).contains("job it-submit-watch: COMPLETED");
    }

    @Test
    void shouldGiveUpOnAJobThatNeverAppearsAndOnATimeout() throws Exception {
        // given
        kafka.publishStatus(new StatusEvents("it-slow").job(JobState.RUNNING, 1, 0, 0));
        Run missing = run();
        Run slow = run();

        // when
        int missingCode = missing.exec("watch", "it-never", "--wait-for-job", "1s");
        int slowCode = slow.exec("watch", "it-slow", "--timeout", "1s");

        // then
        assertThat(missingCode).isEqualTo(ExitCode.JOB_NOT_FOUND);
        assertThat(missing.err()).contains("job it-never not found on failback.status (waited 1s)");
        assertThat(slowCode).isEqualTo(ExitCode.TIMED_OUT);
        assertThat(slow.err()).contains("job it-slow had not ended when --timeout 1s ran out");
    }

    @Test
    void shouldReportAnUnreachableBrokerPlainlyWithExitCode3() throws Exception {
        // given a port nothing listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String closed = "127.0.0.1:" + port;
        List<String[]> commands = new ArrayList<>();
        commands.add(args("jobs", "--bootstrap-servers", closed, "--connect-timeout", "2s"));
        commands.add(args("submit", "--vm", "web01", "--bootstrap-servers", closed, "--connect-timeout", "2s"));
        commands.add(args("commit", "job-1", "--connect-timeout", "2s"));

        for (String[] command : commands) {
            // when
            Run run = new Run(Map.of("FAILBACK_BOOTSTRAP_SERVERS", closed));
            long started = System.nanoTime();
            int code = run.exec(command);

            // then
            assertThat(code).as(String.join(" ", command)).isEqualTo(ExitCode.BROKER_UNREACHABLE);
            assertThat(run.err()).isEqualTo("failbackctl: cannot reach a Kafka broker at " + closed + " within 2s: is it running,"
                    + " and is the address right? (set it with --bootstrap-servers or FAILBACK_BOOTSTRAP_SERVERS)" + System.lineSeparator());
            assertThat(run.out()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldRefuseBadArgumentsWithExitCode2BeforeContactingTheBroker() {
        // given
        Run run = run();

        // when
        int code = run.exec("submit", "--vm", "web01", "--plan", "plan-erp", "--request-id", "it-bad-args");

        // then
        assertThat(code).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(run.err()).contains("give either --vm or --plan, not both");
        kafka.assertNoneFor(Topics.REQUESTS, "it-bad-args", Duration.ofSeconds(1));
    }

    /** The launcher script, run as an operator runs it: a separate JVM from the module's self-contained jar. */
    private static String[] launch(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FAILBACK_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        Path out = Files.createTempFile("failbackctl", ".out");
        Path err = Files.createTempFile("failbackctl", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher still running after 60s: " + command);
        }
        return new String[] {String.valueOf(process.exitValue()), Files.readString(out), Files.readString(err)};
    }

    @Test
    void shouldRunFromTheLauncherScriptWithPlainMessagesAndExitCodes(@TempDir Path elsewhere) throws Exception {
        // given
        Path script = Path.of("failbackctl").toAbsolutePath();
        Path unbuilt = Files.copy(script, elsewhere.resolve("failbackctl"), StandardCopyOption.COPY_ATTRIBUTES);
        kafka.publishStatus(new StatusEvents("it-launcher").job(JobState.COMPLETED, 2, 3, 0));

        // when
        String[] help = launch(script, "--help");
        String[] shown = launch(script, "show", "it-launcher");
        String[] missing = launch(script, "show", "it-launcher-missing");
        String[] bad = launch(script, "submit", "--recovery-point", "newest", "--vm", "web01");
        String[] notBuilt = launch(unbuilt, "jobs");

        // then
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).contains("Exit codes:", "FAILBACK_BOOTSTRAP_SERVERS");
        assertThat(shown[0]).isEqualTo("0");
        assertThat(shown[1]).startsWith("job it-launcher: COMPLETED");
        assertThat(shown[2]).as("no client log lines on stderr").isEmpty();
        assertThat(missing[0]).isEqualTo("4");
        assertThat(missing[2]).isEqualTo("failbackctl: job it-launcher-missing not found on failback.status\n");
        assertThat(bad[0]).isEqualTo("2");
        assertThat(bad[2]).contains("expected one of latest, latest-app-consistent, after-shutdown (got 'newest')").doesNotContain("\tat ");
        assertThat(notBuilt[0]).isEqualTo("1");
        assertThat(notBuilt[2]).contains("failbackctl: not built yet", "target/failbackctl.jar is missing", "./mvnw");
    }

    // ------------------------------------------------------------------ issue 12 item 6: retry

    @Test
    void shouldSendRetryForOneVmAndFollowItUntilRolledBack() throws Exception {
        // given a job whose VM web01 needs attention
        StatusEvents e = new StatusEvents("it-retry");
        kafka.publishStatus(e.vm("web01", 1, VmState.NEEDS_ATTENTION, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET,
                        reason(ReasonCode.ROLLBACK_FAILED, "rollback stopped at ROLLBACK_ATTACH_TO_MASTER_TARGET: STEP_TIMEOUT")),
                e.job(JobState.NEEDS_ATTENTION, 1, 0, 1, reason(ReasonCode.NEEDS_ATTENTION, "1 VM(s) stopped rolling back")));
        Run run = run();

        // when the operator retries web01 and the orchestrator rolls it back
        Future<Integer> retry = background.submit(() -> run.exec("retry", "it-retry", "--vm", "web01", "--wait", "60s"));
        ControlCommand sent = kafka.first(Topics.CONTROL, "it-retry", 1, Duration.ofSeconds(30)).get(0).value();
        kafka.publishStatus(e.vm("web01", 1, VmState.ROLLING_BACK, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET),
                e.vm("web01", 1, VmState.ROLLED_BACK, Step.NONE), e.job(JobState.ROLLED_BACK, 1, 0, 1));

        // then the command names the VM, and the outcome is shown with exit 0
        assertThat(sent.getAction()).isEqualTo(ControlAction.RETRY);
        assertThat(sent.getVmId()).isEqualTo("web01");
        assertThat(sent.getRequestedBy()).isEqualTo("operator-env");
        assertThat(retry.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("retry sent for job it-retry VM web01 (its state was NEEDS_ATTENTION",
                "web01  ROLLING_BACK  ROLLBACK_ATTACH_TO_MASTER_TARGET", "web01  ROLLED_BACK  NONE",
                "retry done: every retried VM is rolled back");
    }

    @Test
    void shouldShowARefusedRetryWithItsReasonAndExit7() throws Exception {
        // given a job that needs nothing
        StatusEvents e = new StatusEvents("it-retry-refused");
        kafka.publishStatus(e.job(JobState.AWAITING_COMMIT, 1, 1, 0));
        Run run = run();

        // when the operator retries it and the orchestrator refuses
        Future<Integer> retry = background.submit(() -> run.exec("retry", "it-retry-refused"));
        ControlCommand sent = kafka.first(Topics.CONTROL, "it-retry-refused", 1, Duration.ofSeconds(30)).get(0).value();
        kafka.publishStatus(e.job(JobState.AWAITING_COMMIT, 1, 1, 0, reason(ReasonCode.NOTHING_NEEDS_ATTENTION,
                "job it-retry-refused is AWAITING_COMMIT and none of its VMs needs attention: there is nothing to retry")));

        // then
        assertThat(sent.getVmId()).isNull();
        assertThat(retry.get(60, TimeUnit.SECONDS)).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("failbackctl: retry refused: NOTHING_NEEDS_ATTENTION: job it-retry-refused is AWAITING_COMMIT");
    }

    @Test
    void shouldNotSendARetryForAJobTheStatusTopicHasNeverSeen() {
        // given
        Run run = run();

        // when
        int code = run.exec("retry", "it-retry-unknown");

        // then
        assertThat(code).isEqualTo(ExitCode.JOB_NOT_FOUND);
        kafka.assertNoneFor(Topics.CONTROL, "it-retry-unknown", Duration.ofSeconds(1));
    }

    @Test
    void shouldPrintAJobsAuditTrailOldestFirstAndOneVmsAsCsv() throws Exception {
        // given the orchestrator's audit of a job: the request, a command and its result for web01, one for db01
        Instant t = StatusEvents.START;
        kafka.publishAudit(audit("it-audit", null, null, t, AuditKind.REQUEST, "request accepted", "2 VMs"),
                audit("it-audit", "web01", "it-audit:web01:1:SHUT_DOWN_AZURE_VM", t.plusSeconds(1), AuditKind.COMMAND,
                        "SHUT_DOWN_AZURE_VM sent", ""),
                audit("it-audit", "db01", "it-audit:db01:1:SHUT_DOWN_AZURE_VM", t.plusSeconds(2), AuditKind.COMMAND,
                        "SHUT_DOWN_AZURE_VM sent", ""),
                audit("it-audit", "web01", "it-audit:web01:1:SHUT_DOWN_AZURE_VM", t.plusSeconds(3), AuditKind.RESULT,
                        "SHUT_DOWN_AZURE_VM succeeded", "deallocated, \"vm-web01\""));
        Run text = run();
        Run csv = run();

        // when the auditor asks for the whole trail, then for web01 as CSV
        int textCode = text.exec("audit", "it-audit");
        int csvCode = csv.exec("audit", "it-audit", "--vm", "web01", "--output", "csv");

        // then the whole trail is there in order, and the CSV holds web01's two records, quoted where needed
        assertThat(textCode).isEqualTo(ExitCode.OK);
        List<String> lines = text.out().lines().toList();
        assertThat(lines.get(0)).startsWith("AT").contains("VM", "KIND", "BY", "ACTION", "DETAIL", "COMMAND");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).contains("2024-05-01 10:00:00", "REQUEST", "alice", "request accepted", "2 VMs");
        assertThat(lines.get(3)).contains("db01", "COMMAND", "SHUT_DOWN_AZURE_VM sent", "it-audit:db01:1:SHUT_DOWN_AZURE_VM");
        assertThat(csvCode).isEqualTo(ExitCode.OK);
        assertThat(csv.out().lines().toList()).containsExactly(
                "at,jobId,vmId,commandId,kind,requestedBy,action,detail",
                "2024-05-01T10:00:01Z,it-audit,web01,it-audit:web01:1:SHUT_DOWN_AZURE_VM,COMMAND,alice,SHUT_DOWN_AZURE_VM sent,",
                "2024-05-01T10:00:03Z,it-audit,web01,it-audit:web01:1:SHUT_DOWN_AZURE_VM,RESULT,alice,SHUT_DOWN_AZURE_VM succeeded,"
                        + "\"deallocated, \"\"vm-web01\"\"\"");
    }

    @Test
    void shouldPrintTheAuditTrailAsJsonAndRefuseAJobOrVmWithNone() throws Exception {
        // given
        kafka.publishAudit(audit("it-audit-json", "vm-1", null, StatusEvents.START, AuditKind.DECISION, "preflight passed",
                "line one\nline two"));
        Run json = run();
        Run unknownJob = run();
        Run unknownVm = run();

        // when
        int jsonCode = json.exec("audit", "it-audit-json", "-o", "json");
        int jobCode = unknownJob.exec("audit", "it-audit-none");
        int vmCode = unknownVm.exec("audit", "it-audit-json", "--vm", "vm-2");

        // then
        assertThat(jsonCode).isEqualTo(ExitCode.OK);
        assertThat(json.out()).isEqualTo("[{\"at\":\"2024-05-01T10:00:00Z\",\"jobId\":\"it-audit-json\",\"vmId\":\"vm-1\","
                + "\"commandId\":null,\"kind\":\"DECISION\",\"requestedBy\":\"alice\",\"action\":\"preflight passed\","
                + "\"detail\":\"line one\\nline two\"}]" + System.lineSeparator());
        assertThat(jobCode).isEqualTo(ExitCode.JOB_NOT_FOUND);
        assertThat(unknownJob.err()).contains("job it-audit-none not found on failback.audit");
        assertThat(vmCode).isEqualTo(ExitCode.JOB_NOT_FOUND);
        assertThat(unknownVm.err()).contains("job it-audit-json has no audit record about VM vm-2");
    }

    @Test
    void shouldPrintJobsAndAJobsVmsAsJsonAndCsvForScripts() throws Exception {
        // given
        StatusEvents e = new StatusEvents("it-machine");
        kafka.publishStatus(e.job(JobState.RUNNING, 1, 0, 0),
                e.vm("web01", 1, VmState.FAILED_BACK_AWAITING_COMMIT, Step.NONE, appConsistent("rp-9", "cg-web", 125_000)),
                e.vm("db01", 2, VmState.REJECTED, Step.NONE, reason(ReasonCode.NO_RECOVERY_POINT, "none, at all")),
                e.job(JobState.AWAITING_COMMIT, 2, 1, 1));
        Run jobs = run();
        Run showJson = run();
        Run showCsv = run();

        // when
        int jobsCode = jobs.exec("jobs", "--output", "csv");
        int jsonCode = showJson.exec("show", "it-machine", "--output", "json");
        int csvCode = showCsv.exec("show", "it-machine", "--output", "csv");

        // then
        assertThat(jobsCode).isEqualTo(ExitCode.OK);
        assertThat(jobs.out().lines().findFirst()).hasValue(
                "jobId,state,planId,requestedBy,recoveryPoint,commitPolicy,totalVms,groupCount,currentGroup,vmsDone,vmsFailed,reasons,updated,approvedBy");
        assertThat(jobs.out().lines()).contains(
                "it-machine,AWAITING_COMMIT,plan-erp,alice,LATEST_APP_CONSISTENT,MANUAL,3,2,2,1,1,,2024-05-01T10:00:03Z,");
        assertThat(jsonCode).isEqualTo(ExitCode.OK);
        assertThat(showJson.out()).startsWith("{\"jobId\":\"it-machine\",\"state\":\"AWAITING_COMMIT\",")
                .contains("\"vms\":[{\"jobId\":\"it-machine\",\"vmId\":\"web01\",\"group\":1,\"state\":\"FAILED_BACK_AWAITING_COMMIT\","
                        + "\"step\":\"NONE\",\"pointId\":\"rp-9\",\"pointConsistency\":\"APP_CONSISTENT\"")
                .contains("\"dataLossMillis\":125000", "\"reasons\":[\"NO_RECOVERY_POINT: none, at all\"]");
        assertThat(csvCode).isEqualTo(ExitCode.OK);
        assertThat(showCsv.out().lines().toList()).hasSize(3).first().isEqualTo(String.join(",",
                io.failback.ctl.view.Exports.VM_COLUMNS));
        assertThat(showCsv.out().lines()).anySatisfy(l -> assertThat(l).startsWith("it-machine,db01,2,REJECTED,NONE,")
                .endsWith(",false,,\"NO_RECOVERY_POINT: none, at all\""));
    }

    private static AuditRecord audit(String jobId, String vmId, String commandId, Instant at, AuditKind kind, String action,
                                     String detail) {
        return AuditRecord.newBuilder().setJobId(jobId).setVmId(vmId).setCommandId(commandId).setAt(at).setRequestedBy("alice")
                .setKind(kind).setAction(action).setDetail(detail).build();
    }
}
