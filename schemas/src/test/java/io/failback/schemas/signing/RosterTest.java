package io.failback.schemas.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.security.KeyPair;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class RosterTest {

    private static Roster parse(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return Roster.parse(p);
    }

    @Test
    void shouldReadTheLinesKeygenPrintsBackAsTheOperatorAndItsKey() throws Exception {
        KeyPair pair = Signatures.generate();

        Roster roster = parse(Roster.linesFor("ops.alice", "ops.alice-1", pair.getPublic(), "requester,approver"));

        assertThat(roster.operator("ops.alice").roles()).containsExactlyInAnyOrder(Roster.Role.REQUESTER, Roster.Role.APPROVER);
        assertThat(roster.key("ops.alice-1").operator()).isEqualTo("ops.alice");
        assertThat(roster.key("ops.alice-1").publicKey()).isEqualTo(pair.getPublic());
    }

    @Test
    void shouldNameEveryLineItCannotRead() {
        assertThatThrownBy(() -> parse("""
                operator.alice = roles=requester,superuser
                key.k1 = operator=nobody; public-key=MCow
                plan.web-* = four-eyes=maybe
                colour = blue
                """)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("operator.alice: role 'superuser'")
                .hasMessageContaining("key.k1: public-key")
                .hasMessageContaining("plan.web-*: four-eyes")
                .hasMessageContaining("colour: is none of");
    }

    @Test
    void shouldApplyPlanRulesByPatternAndGroupAndLeaveOtherPlansOpen() throws Exception {
        Roster roster = parse("""
                operator.alice = roles=requester; groups=web-team
                operator.bob = roles=approver
                plan.web-* = allowed=group:web-team,bob; four-eyes=true
                plan.db-prod = allowed=carol
                """);

        assertThat(roster.mayActOn("alice", "web-shop")).isTrue();
        assertThat(roster.mayActOn("bob", "web-shop")).isTrue();
        assertThat(roster.mayActOn("alice", "db-prod")).isFalse();
        assertThat(roster.mayActOn("alice", "file-servers")).isTrue();
        assertThat(roster.mayActOn("alice", null)).isTrue();
        assertThat(roster.fourEyes("web-shop")).isTrue();
        assertThat(roster.fourEyes("db-prod")).isFalse();
    }

    @Test
    void shouldKnowASharedIdentityAndRefuseAnythingButTrueOrFalse() throws Exception {
        Roster roster = parse("""
                operator.dashboard = roles=requester,approver; shared=true
                operator.bob = roles=approver
                """);

        assertThat(roster.isShared("dashboard")).isTrue();
        assertThat(roster.isShared("bob")).isFalse();
        assertThat(roster.isShared("nobody")).isFalse();
        assertThatThrownBy(() -> parse("operator.x = roles=approver; shared=yes"))
                .hasMessageContaining("operator.x: shared is true or false");
    }

    @Test
    void shouldNeverShowThePrivateKeyOfAnOperatorKey() {
        KeyPair pair = Signatures.generate();
        OperatorKey key = new OperatorKey("alice", "alice-1", pair.getPrivate());

        assertThat(key.toString()).isEqualTo("OperatorKey[alice/alice-1]");
    }
}
