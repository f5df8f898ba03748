package io.failback.orchestrator.streams;

import java.time.Instant;

import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/** The log context of an input: an agent's result names its VM and command on every line logged while it is handled. */
class LogContextTest {

    @AfterEach
    void clear() {
        LogContext.clear();
    }

    @Test
    void shouldPutTheVmAndCommandOfAnAgentsResultAndClearThemAfter() {
        // given an Azure result for VM web01
        AzureResult result = AzureResult.newBuilder().setCommandId("cmd-7").setJobId("job-1").setVmId("web01")
                .setCode(AzureResultCode.OK).setCompletedAt(Instant.EPOCH).build();

        // when its processing starts
        LogContext.putVmAndCommand(result);

        // then the log context names both, until cleared
        assertThat(MDC.get("vmId")).isEqualTo("web01");
        assertThat(MDC.get("commandId")).isEqualTo("cmd-7");
        LogContext.clear();
        assertThat(MDC.get("vmId")).isNull();
        assertThat(MDC.get("commandId")).isNull();
    }

    @Test
    void shouldEscapeAHostileVmIdFromAReplicationResultInItsWrapper() {
        ReplicationResult result = new ReplicationResult("cmd-8", "job-1", "vm\n01", ReplicationResultCode.OK, "", Instant.EPOCH, null);

        LogContext.putVmAndCommand(new OrchestratorInput(result, null));

        assertThat(MDC.get("vmId")).doesNotContain("\n").contains("vm");
        assertThat(MDC.get("commandId")).isEqualTo("cmd-8");
    }

    @Test
    void shouldPutNothingForARequest() {
        LogContext.putVmAndCommand(new OrchestratorInput(FailbackRequest.newBuilder().setRequestId("r").setRequestedBy("ops")
                .setRequestedAt(Instant.EPOCH).build(), null));

        assertThat(MDC.get("vmId")).isNull();
        assertThat(MDC.get("commandId")).isNull();
    }
}
