package io.failback.orchestrator.streams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import io.failback.messages.state.StoredVmJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JSON stored by the version before the state schema (the fixtures under {@code state/}, written by
 * that version's StateSerde), below the mapping to the saga's records: what older versions left out gets
 * the value they gave it, and what no version could have written is refused by name.
 * {@link StateSerdeTest} loads the fixtures into the saga's records field by field.
 */
class LegacyStateJsonTest {

    private static final String CHANGELOG = "failback-orchestrator-job-vms-changelog";

    static byte[] fixture(String name) {
        try (InputStream in = LegacyStateJsonTest.class.getResourceAsStream("/state/" + name)) {
            assertThat(in).as("test resource state/%s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldLoadAVmJobStoredBeforeAzureDisksAndNicsWereRecordedWithNoneOfThem() {
        // given a VM stored by a version older still, before the Azure disk and NIC ids were fields
        String stored = new String(fixture("v0-vmjob.json"), StandardCharsets.UTF_8);
        String older = stored.replaceAll(",\"azureDiskIds\":\\[[^]]*]", "").replaceAll(",\"azureNicIds\":\\[[^]]*]", "");
        assertThat(older).doesNotContain("azureDiskIds", "azureNicIds").contains("vm-db01");

        // when this version reads it
        StoredVmJob vm = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, older.getBytes(StandardCharsets.UTF_8));

        // then the VM has no ids to delete, as that version's reader gave it, and everything else was kept
        StoredVmJob full = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, stored.getBytes(StandardCharsets.UTF_8));
        assertThat(full.getAzureDiskIds()).isNotEmpty();
        assertThat(vm).isEqualTo(StoredVmJob.newBuilder(full).setAzureDiskIds(List.of()).setAzureNicIds(List.of()).build());
    }

    static Stream<Arguments> recordsThePreviousVersionCouldNotHaveWritten() {
        String vm = new String(fixture("v0-vmjob.json"), StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("an unknown field", vm.replace("\"sequence\":17", "\"sequence\":17,\"priority\":3")),
                Arguments.of("a string for a number", vm.replace("\"group\":2", "\"group\":\"two\"")),
                Arguments.of("a null for a number", vm.replace("\"attempts\":3", "\"attempts\":null")),
                Arguments.of("an unknown state", vm.replace("\"state\":\"ROLLING_BACK\"", "\"state\":\"EXPLODED\"")),
                Arguments.of("a step by its index", vm.replace("\"step\":\"ROLLBACK_DETACH_FROM_ON_PREMISES_VM\"", "\"step\":3")),
                Arguments.of("no job id", vm.replace("\"jobId\":\"job-7f3c2a91\"", "\"jobId\":null")),
                Arguments.of("a null undo step", vm.replace("\"compensations\":[", "\"compensations\":[null,")),
                Arguments.of("a null reason", vm.replace("\"reasons\":[", "\"reasons\":[null,")),
                Arguments.of("a target without its vCenter", vm.replace("\"vCenter\":\"vc01.corp.example\",", "")),
                Arguments.of("a cut record", vm.substring(0, vm.length() / 2)),
                Arguments.of("bytes after the record", vm + "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordsThePreviousVersionCouldNotHaveWritten")
    void shouldRefuseByNameAJsonRecordThePreviousVersionCouldNotHaveWritten(String what, String json) {
        // given a JSON record in a store that no version wrote
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        // when this version reads it, then it is refused by name, saying which record and store it was
        assertThatThrownBy(() -> StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_DATUM);
                    assertThat(e.topic()).isEqualTo(CHANGELOG);
                    assertThat(e.getMessage()).contains("stored VmJob in the JSON of the version before the state schema");
                });
    }
}
