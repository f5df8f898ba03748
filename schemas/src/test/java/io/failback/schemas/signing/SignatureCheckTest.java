package io.failback.schemas.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;

import io.failback.messages.ReasonCode;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {

    private static final String TOPIC = "failback.control";
    private static final long NOW = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();
    private static final byte[] VALUE = "the encoded value".getBytes(StandardCharsets.UTF_8);

    private final KeyPair alice = Signatures.generate();
    private final KeyPair bob = Signatures.generate();
    private final KeyPair old = Signatures.generate();
    private final KeyPair stranger = Signatures.generate();
    private final SignatureCheck check = new SignatureCheck(roster(), Duration.ofMinutes(5));

    private Roster roster() {
        Properties p = new Properties();
        p.setProperty("operator.alice", "roles=requester; groups=web-team");
        p.setProperty("operator.bob", "roles=approver");
        p.setProperty("operator.vera", "roles=viewer");
        p.setProperty("key.alice-1", "operator=alice; public-key=" + Signatures.encode(alice.getPublic()));
        p.setProperty("key.alice-old", "operator=alice; revoked=true; public-key=" + Signatures.encode(old.getPublic()));
        p.setProperty("key.alice-2020", "operator=alice; not-after=2020-01-01T00:00:00Z; public-key=" + Signatures.encode(old.getPublic()));
        p.setProperty("key.bob-1", "operator=bob; public-key=" + Signatures.encode(bob.getPublic()));
        p.setProperty("key.vera-1", "operator=vera; public-key=" + Signatures.encode(stranger.getPublic()));
        p.setProperty("plan.web-*", "allowed=group:web-team; four-eyes=true");
        return Roster.parse(p);
    }

    private static Headers signed(String operator, String keyId, KeyPair pair, String key, byte[] value, long at) {
        Headers h = new RecordHeaders();
        Signatures.sign(h, new OperatorKey(operator, keyId, pair.getPrivate()), TOPIC, key, value, at);
        return h;
    }

    private SignatureCheck.Verdict verify(Headers h, Roster.Action action) {
        return check.verify(TOPIC, "job-1", VALUE, h, action, null, NOW);
    }

    @Test
    void shouldAcceptARecordSignedByARosterOperatorWithTheRoleItTakes() {
        SignatureCheck.Verdict v = verify(signed("bob", "bob-1", bob, "job-1", VALUE, NOW - 1000), Roster.Action.COMMIT);

        assertThat(v.ok()).isTrue();
        assertThat(v.operator()).isEqualTo("bob");
        assertThat(v.signedAt()).isEqualTo(NOW - 1000);
    }

    @Test
    void shouldRefuseAnUnsignedRecordAsUnsigned() {
        assertThat(verify(new RecordHeaders(), Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.UNSIGNED);
    }

    @Test
    void shouldRefuseARecordMissingOneHeaderAsUnsigned() {
        Headers h = signed("bob", "bob-1", bob, "job-1", VALUE, NOW);
        h.remove(Signatures.SIGNED_AT);

        SignatureCheck.Verdict v = verify(h, Roster.Action.COMMIT);

        assertThat(v.refusal()).isEqualTo(ReasonCode.UNSIGNED);
        assertThat(v.message()).contains(Signatures.SIGNED_AT);
    }

    @Test
    void shouldRefuseARepeatedOrOverlongHeaderAsBadSignature() {
        Headers repeated = signed("bob", "bob-1", bob, "job-1", VALUE, NOW);
        repeated.add(Signatures.OPERATOR, "alice".getBytes(StandardCharsets.US_ASCII));
        Headers overlong = signed("bob", "bob-1", bob, "job-1", VALUE, NOW);
        overlong.remove(Signatures.SIGNATURE);
        overlong.add(Signatures.SIGNATURE, new byte[129]);

        assertThat(verify(repeated, Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
        assertThat(verify(repeated, Roster.Action.COMMIT).message()).contains("appears 2 times");
        assertThat(verify(overlong, Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseAnOperatorNotInTheRosterAsUnknownOperator() {
        SignatureCheck.Verdict v = verify(signed("mallory", "mallory-1", stranger, "job-1", VALUE, NOW), Roster.Action.COMMIT);

        assertThat(v.refusal()).isEqualTo(ReasonCode.UNKNOWN_OPERATOR);
        assertThat(v.operator()).isEqualTo("mallory");
    }

    @Test
    void shouldRefuseAnUnknownRevokedExpiredOrSomeoneElsesKeyAsUnknownKey() {
        assertThat(verify(signed("bob", "bob-9", bob, "job-1", VALUE, NOW), Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.UNKNOWN_KEY);
        assertThat(verify(signed("alice", "alice-old", old, "job-1", VALUE, NOW), Roster.Action.CANCEL).message()).contains("revoked");
        assertThat(verify(signed("alice", "alice-2020", old, "job-1", VALUE, NOW), Roster.Action.CANCEL).message()).contains("expired");
        assertThat(verify(signed("bob", "alice-1", alice, "job-1", VALUE, NOW), Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.UNKNOWN_KEY);
    }

    @Test
    void shouldRefuseASignatureByAnotherKeyOrOverOtherBytesAsBadSignature() {
        Headers forged = signed("bob", "bob-1", stranger, "job-1", VALUE, NOW);
        Headers otherValue = signed("bob", "bob-1", bob, "job-1", "another value".getBytes(StandardCharsets.UTF_8), NOW);
        Headers otherKey = signed("bob", "bob-1", bob, "job-2", VALUE, NOW);

        assertThat(verify(forged, Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
        assertThat(verify(otherValue, Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
        assertThat(verify(otherKey, Roster.Action.COMMIT).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
        assertThat(check.verify("failback.requests", "job-1", VALUE, signed("bob", "bob-1", bob, "job-1", VALUE, NOW),
                Roster.Action.COMMIT, null, NOW).refusal()).isEqualTo(ReasonCode.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseASignatureOutsideTheSkewAsExpired() {
        assertThat(verify(signed("bob", "bob-1", bob, "job-1", VALUE, NOW - Duration.ofMinutes(6).toMillis()), Roster.Action.COMMIT)
                .refusal()).isEqualTo(ReasonCode.SIGNATURE_EXPIRED);
        assertThat(verify(signed("bob", "bob-1", bob, "job-1", VALUE, NOW + Duration.ofMinutes(6).toMillis()), Roster.Action.COMMIT)
                .refusal()).isEqualTo(ReasonCode.SIGNATURE_EXPIRED);
    }

    @Test
    void shouldRefuseAnActionTheOperatorsRoleDoesNotAllowAsNotPermitted() {
        SignatureCheck.Verdict requesterCommits = verify(signed("alice", "alice-1", alice, "job-1", VALUE, NOW), Roster.Action.COMMIT);
        SignatureCheck.Verdict viewerCancels = verify(signed("vera", "vera-1", stranger, "job-1", VALUE, NOW), Roster.Action.CANCEL);

        assertThat(requesterCommits.refusal()).isEqualTo(ReasonCode.NOT_PERMITTED);
        assertThat(requesterCommits.message()).contains("APPROVER");
        assertThat(viewerCancels.refusal()).isEqualTo(ReasonCode.NOT_PERMITTED);
    }

    @Test
    void shouldRefuseASubmitOfAPlanThePlanRulesKeepFromTheOperator() {
        Properties p = new Properties();
        p.setProperty("operator.carol", "roles=requester");
        KeyPair carol = Signatures.generate();
        p.setProperty("key.carol-1", "operator=carol; public-key=" + Signatures.encode(carol.getPublic()));
        p.setProperty("operator.alice", "roles=requester; groups=web-team");
        p.setProperty("key.alice-1", "operator=alice; public-key=" + Signatures.encode(alice.getPublic()));
        p.setProperty("plan.web-*", "allowed=group:web-team");
        SignatureCheck withPlans = new SignatureCheck(Roster.parse(p), Duration.ofMinutes(5));

        assertThat(withPlans.verify(TOPIC, "r", VALUE, signed("carol", "carol-1", carol, "r", VALUE, NOW), Roster.Action.SUBMIT, "web-prod", NOW)
                .refusal()).isEqualTo(ReasonCode.NOT_PERMITTED);
        assertThat(withPlans.verify(TOPIC, "r", VALUE, signed("carol", "carol-1", carol, "r", VALUE, NOW), Roster.Action.SUBMIT, "db-prod", NOW)
                .ok()).isTrue();
        assertThat(withPlans.verify(TOPIC, "r", VALUE, signed("alice", "alice-1", alice, "r", VALUE, NOW), Roster.Action.SUBMIT, "web-prod", NOW)
                .ok()).isTrue();
    }

    @Test
    void shouldRefuseEveryGeneratedHostileHeaderSetByNameWithoutThrowing() {
        Random random = new Random(15);
        String[] names = {Signatures.OPERATOR, Signatures.KEY_ID, Signatures.SIGNED_AT, Signatures.SIGNATURE, "other"};
        Headers genuine = signed("bob", "bob-1", bob, "job-1", VALUE, NOW);
        for (int i = 0; i < 2_000; i++) {
            Headers h = new RecordHeaders();
            int count = random.nextInt(7);
            for (int j = 0; j < count; j++) {
                String name = names[random.nextInt(names.length)];
                byte[] v = random.nextInt(4) == 0 && genuine.lastHeader(name) != null ? genuine.lastHeader(name).value().clone()
                        : new byte[random.nextInt(200)];
                if (v.length > 0 && random.nextBoolean()) {
                    random.nextBytes(v);
                }
                h.add(name, random.nextInt(10) == 0 ? null : v);
            }

            SignatureCheck.Verdict verdict = verify(h, Roster.Action.COMMIT);

            assertThat(verdict.ok()).as("hostile header set %d", i).isFalse();
            assertThat(verdict.refusal()).isNotNull();
            assertThat(verdict.message()).isNotBlank().hasSizeLessThan(400);
        }
    }
}
