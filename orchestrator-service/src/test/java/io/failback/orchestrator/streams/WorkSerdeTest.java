package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.failback.messages.Consistency;
import io.failback.messages.ReasonCode;
import io.failback.orchestrator.saga.ChosenPoint;
import io.failback.orchestrator.saga.Followup;
import io.failback.orchestrator.saga.Reason;
import io.failback.schemas.UnreadableRecordException;
import org.junit.jupiter.api.Test;

/** The job-work store's values: what a large plan's follow-ups left part done read back as stored, or a named refusal. */
class WorkSerdeTest {

    @Test
    void shouldReadBackEveryKindOfWorkLeftWithItsReasonPointsAndPlace() {
        List<Followup.Resume> left = List.of(
                new Followup.Resume(new Followup(Followup.Kind.ROLLBACK_ALL, 0,
                        new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by ops@example.org")), "vm-0099"),
                new Followup.Resume(new Followup(Followup.Kind.RELEASE_GROUP, 2, null), null),
                new Followup.Resume(new Followup(Followup.Kind.REPOINT_GROUP, 0, null, null, "cg-1",
                        Map.of("vm-1", new ChosenPoint("p-7", 1_700_000_000_000L, Consistency.APP_CONSISTENT, "cg-1", 42_000L))), null),
                new Followup.Resume(new Followup(Followup.Kind.RETRY_ATTENTION, 0, null, "vm-3"), "vm-2"));

        byte[] bytes = WorkSerde.WORK.serializer().serialize("job-work", left);

        assertThat(WorkSerde.WORK.deserializer().deserialize("job-work", bytes)).isEqualTo(left);
    }

    @Test
    void shouldRefuseWorkInAFormatNoVersionWroteByName() {
        assertThatThrownBy(() -> WorkSerde.WORK.deserializer().deserialize("job-work", new byte[] {9, 0, 0, 0, 0}))
                .isInstanceOf(UnreadableRecordException.class).hasMessageContaining("unknown format 9");
        assertThatThrownBy(() -> WorkSerde.WORK.deserializer().deserialize("job-work", new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOf(UnreadableRecordException.class).hasMessageContaining("no saga could have made");
    }
}
