package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.World;
import io.failback.orchestrator.saga.Signing;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import io.failback.schemas.signing.Roster;
import io.failback.schemas.signing.Signatures;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed requests and control commands through the production topology with signatures required: the verified
 * operator becomes requestedBy, and each forged, unsigned, replayed or not-permitted record is refused by name
 * on status and audit, with no command sent for it.
 */
class SignedInputTopologyTest {

    private final KeyPair alice = Signatures.generate();
    private final KeyPair bob = Signatures.generate();
    private final KeyPair carol = Signatures.generate();
    private final KeyPair mallory = Signatures.generate();
    private final Estate estate = new Estate();
    private TopologyTestDriver driver;

    @TempDir
    java.nio.file.Path stateDir;

    @BeforeEach
    void startDriver() {
        Properties roster = new Properties();
        roster.setProperty("operator.alice", "roles=requester");
        roster.setProperty("operator.bob", "roles=approver");
        roster.setProperty("operator.carol", "roles=requester,approver");
        roster.setProperty("key.alice-1", "operator=alice; public-key=" + Signatures.encode(alice.getPublic()));
        roster.setProperty("key.bob-1", "operator=bob; public-key=" + Signatures.encode(bob.getPublic()));
        roster.setProperty("key.carol-1", "operator=carol; public-key=" + Signatures.encode(carol.getPublic()));
        roster.setProperty("plan.erp-*", "allowed=alice,bob,carol; four-eyes=true");
        Signing signing = new Signing(true, Roster.parse(roster), Duration.ofMinutes(5));
        driver = FailbackTopologyTest.driver(new Orchestrator(SagaSettings.defaults(), signing), stateDir, new Properties());
        estate.vm("vm-a").vm("vm-b").plan("erp-prod", List.of(List.of("vm-b")));
        seedInventory();
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldTakeASignedRequestWithTheVerifiedOperatorAsRequestedBy() {
        // given a request whose requestedBy field claims someone else
        FailbackRequest request = Estate.request("job-1", "vm-a").setRequestedBy("the-ceo").build();

        // when alice signs it
        send(Topics.REQUESTS, "job-1", request, key("alice", alice), Estate.T0);
        answerEveryCommand();

        // then the job is alice's, as status and audit say
        StatusEvent last = lastJob();
        assertThat(last.getJob().getState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(last.getJob().getRequestedBy()).isEqualTo("alice");
        assertThat(audits()).extracting(AuditRecord::getRequestedBy).contains("alice").doesNotContain("the-ceo");
    }

    @Test
    void shouldRefuseAnUnsignedRequestByNameAndSendNothing() {
        // when a request comes without a signature
        send(Topics.REQUESTS, "job-1", Estate.request("job-1", "vm-a").build(), null, Estate.T0);

        // then it is rejected as UNSIGNED and no VM is claimed or checked
        StatusEvent last = lastJob();
        assertThat(last.getJob().getState()).isEqualTo(JobState.REJECTED);
        assertThat(last.getJob().getReasons()).extracting(r -> r.getCode()).containsExactly(ReasonCode.UNSIGNED);
        assertThat(output(Topics.VM_CLAIMS).readValuesToList()).isEmpty();
        assertThat(output(Topics.VCENTER_COMMANDS).readValuesToList()).isEmpty();
    }

    @Test
    void shouldRefuseForgedAndNotPermittedCommitsByNameAndDeleteNoAzureVm() {
        // given alice's job awaiting commit
        send(Topics.REQUESTS, "job-1", Estate.request("job-1", "vm-a").build(), key("alice", alice), Estate.T0);
        answerEveryCommand();

        // when commits come signed by an unknown operator, by bob's name with another key, and by alice (a requester only)
        send(Topics.CONTROL, "job-1", commit("c-1", "job-1"), new OperatorKey("mallory", "mallory-1", mallory.getPrivate()), Estate.T0);
        ReasonCode unknown = lastJob().getJob().getReasons().get(0).getCode();
        send(Topics.CONTROL, "job-1", commit("c-2", "job-1"), new OperatorKey("bob", "bob-1", mallory.getPrivate()), Estate.T0);
        ReasonCode forged = lastJob().getJob().getReasons().get(0).getCode();
        send(Topics.CONTROL, "job-1", commit("c-3", "job-1"), key("alice", alice), Estate.T0);
        StatusEvent notPermitted = lastJob();
        answerEveryCommand();

        // then each is refused by name, the job still awaits its commit and no Azure VM is deleted
        assertThat(unknown).isEqualTo(ReasonCode.UNKNOWN_OPERATOR);
        assertThat(forged).isEqualTo(ReasonCode.BAD_SIGNATURE);
        assertThat(notPermitted.getJob().getReasons().get(0).getCode()).isEqualTo(ReasonCode.NOT_PERMITTED);
        assertThat(notPermitted.getJob().getState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(azureDeletes()).isEmpty();
        assertThat(audits()).filteredOn(a -> a.getAction().equals("COMMIT refused")).extracting(AuditRecord::getRequestedBy)
                .containsExactly("unverified:ops@example.org", "unverified:ops@example.org", "unverified:ops@example.org");
    }

    @Test
    void shouldRefuseACommitSignedOutsideTheSkewAsExpired() {
        send(Topics.REQUESTS, "job-1", Estate.request("job-1", "vm-a").build(), key("alice", alice), Estate.T0);
        answerEveryCommand();

        send(Topics.CONTROL, "job-1", commit("c-1", "job-1"), key("bob", bob), Estate.T0 - Duration.ofMinutes(10).toMillis());

        assertThat(lastJob().getJob().getReasons().get(0).getCode()).isEqualTo(ReasonCode.SIGNATURE_EXPIRED);
        assertThat(azureDeletes()).isEmpty();
    }

    @Test
    void shouldRefuseAReplayedCommitAndAReplayedRequestByNameChangingNothing() {
        // given alice's job committed by bob, every record kept as written
        TestRecord<String, byte[]> request = signed(Topics.REQUESTS, "job-1", Estate.request("job-1", "vm-a").build(), key("alice", alice), Estate.T0);
        pipe(Topics.REQUESTS, request);
        answerEveryCommand();
        TestRecord<String, byte[]> commit = signed(Topics.CONTROL, "job-1", commit("c-1", "job-1"), key("bob", bob), Estate.T0);
        pipe(Topics.CONTROL, commit);
        answerEveryCommand();
        int deletes = azureDeletes().size();
        assertThat(lastJob().getJob().getApprovedBy()).isEqualTo("bob");

        // when both are written again, byte for byte
        pipe(Topics.CONTROL, commit);
        StatusEvent afterCommitReplay = lastJob();
        pipe(Topics.REQUESTS, request);
        StatusEvent afterRequestReplay = lastJob();
        answerEveryCommand();

        // then each is refused as REPLAYED and nothing is sent again
        assertThat(afterCommitReplay.getJob().getReasons()).extracting(r -> r.getCode()).containsExactly(ReasonCode.REPLAYED);
        assertThat(afterRequestReplay.getJob().getReasons()).extracting(r -> r.getCode()).containsExactly(ReasonCode.REPLAYED);
        assertThat(lastJob().getJob().getState()).isEqualTo(JobState.COMPLETED);
        assertThat(azureDeletes()).hasSize(deletes);
    }

    @Test
    void shouldRefuseTheRequestersOwnCommitOfAFourEyesPlanAndTakeAnotherApprovers() {
        // given carol (requester and approver) failed back plan erp-prod, which takes four eyes
        send(Topics.REQUESTS, "job-1", Estate.planRequest("job-1", "erp-prod").build(), key("carol", carol), Estate.T0);
        answerEveryCommand();

        // when carol commits it herself, then bob does
        send(Topics.CONTROL, "job-1", commit("c-1", "job-1"), key("carol", carol), Estate.T0);
        StatusEvent own = lastJob();
        send(Topics.CONTROL, "job-1", commit("c-2", "job-1"), key("bob", bob), Estate.T0);
        answerEveryCommand();

        // then carol's is refused by name, bob's is taken and status says bob approved
        assertThat(own.getJob().getReasons()).extracting(r -> r.getCode()).containsExactly(ReasonCode.FOUR_EYES_REQUIRED);
        assertThat(own.getJob().getState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(lastJob().getJob().getState()).isEqualTo(JobState.COMPLETED);
        assertThat(lastJob().getJob().getApprovedBy()).isEqualTo("bob");
        assertThat(azureDeletes()).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private static ControlCommand commit(String controlId, String jobId) {
        return new ControlCommand(controlId, jobId, ControlAction.COMMIT, "ops@example.org", Instant.ofEpochMilli(Estate.T0), null);
    }

    private static OperatorKey key(String operator, KeyPair pair) {
        return new OperatorKey(operator, operator + "-1", pair.getPrivate());
    }

    private <V> void send(Topic<String, V> topic, String key, V value, OperatorKey signer, long signedAt) {
        pipe(topic, signed(topic, key, value, signer, signedAt));
    }

    /** The record as failbackctl writes it: the value's bytes, and the four headers over exactly those bytes. */
    private static <V> TestRecord<String, byte[]> signed(Topic<String, V> topic, String key, V value, OperatorKey signer, long signedAt) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        RecordHeaders headers = new RecordHeaders();
        if (signer != null) {
            Signatures.sign(headers, signer, topic.name(), key, bytes, signedAt);
        }
        return new TestRecord<>(key, bytes, headers, Instant.ofEpochMilli(Estate.T0));
    }

    private void pipe(Topic<String, ?> topic, TestRecord<String, byte[]> record) {
        driver.createInputTopic(topic.name(), new StringSerializer(), new ByteArraySerializer()).pipeInput(record);
    }

    private final List<StatusEvent> statuses = new java.util.ArrayList<>();
    private final List<AuditRecord> audits = new java.util.ArrayList<>();
    private final List<AzureCommand> azureSent = new java.util.ArrayList<>();

    private StatusEvent lastJob() {
        statuses.addAll(output(Topics.STATUS).readValuesToList());
        List<StatusEvent> jobs = statuses.stream().filter(s -> s.getJob() != null).toList();
        assertThat(jobs).as("job status events").isNotEmpty();
        return jobs.get(jobs.size() - 1);
    }

    private List<AuditRecord> audits() {
        audits.addAll(output(Topics.AUDIT).readValuesToList());
        return audits;
    }

    private List<AzureCommand> azureDeletes() {
        azureSent.addAll(output(Topics.AZURE_COMMANDS).readValuesToList());
        return azureSent.stream().filter(c -> World.stepOf(c.getCommandId()) == io.failback.messages.Step.DELETE_AZURE_VM).toList();
    }

    private void answerEveryCommand() {
        DriverPeers.answerEveryCommand(driver, azureSent::addAll);
    }

    private void seedInventory() {
        DriverPeers.seedInventory(driver, estate);
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return DriverPeers.output(driver, topic);
    }
}
