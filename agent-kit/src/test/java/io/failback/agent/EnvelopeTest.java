package io.failback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final VcenterCommand OFF = new VcenterCommand("cmd-1", "job-1", "vm-web01", Instant.parse("2026-01-02T03:04:05Z"),
            new PowerOffVm("vc01", "web01", null));

    @Test
    void shouldTakeACommandReSentWithANewSendTimeForTheSameCommand() {
        VcenterCommand resent = VcenterCommand.newBuilder(OFF).setIssuedAt(OFF.getIssuedAt().plusSeconds(120)).build();

        assertThat(Envelope.fingerprint(Topics.VCENTER_COMMANDS, resent)).isEqualTo(Envelope.fingerprint(Topics.VCENTER_COMMANDS, OFF));
        assertThat(resent.getIssuedAt()).as("the command itself is left as it came").isEqualTo(OFF.getIssuedAt().plusSeconds(120));
    }

    @Test
    void shouldTellAnIdReusedForAnotherOperationFromTheFirst() {
        VcenterCommand on = VcenterCommand.newBuilder(OFF).setOperation(new PowerOnVm("vc01", "web01", null)).build();

        assertThat(Envelope.fingerprint(Topics.VCENTER_COMMANDS, on)).isNotEqualTo(Envelope.fingerprint(Topics.VCENTER_COMMANDS, OFF));
    }

    @Test
    void shouldReadTheEnvelopeOfAnyCommand() {
        assertThat(Envelope.get(OFF, Envelope.COMMAND_ID)).isEqualTo("cmd-1");
        assertThat(Envelope.get(OFF, Envelope.JOB_ID)).isEqualTo("job-1");
        assertThat(Envelope.get(OFF, Envelope.VM_ID)).isEqualTo("vm-web01");
    }

    @Test
    void shouldRefuseAtStartAnAgentWhoseTopicsLackTheEnvelope() {
        assertThatThrownBy(() -> new AgentSpec<>("vcenter-agent", Topics.VCENTER_EVENTS, Topics.VCENTER_EVENTS, Topics.VCENTER_COMMANDS_DLT,
                (VcenterResult r) -> r))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issuedAt");
    }
}
