package io.failback.schemas.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.failback.schemas.AvroSerde;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.fuzz.RecordFuzzer.Kind;
import io.failback.schemas.fuzz.RecordFuzzer.Sample;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every catalog value type, and the orchestrator's stored state, read from generated records, valid and
 * hostile: a reader gets a record or an {@link UnreadableRecordException}, never anything else, and valid records come back equal.
 * {@code -Dfuzz.samples=N} sets the samples per type (spread evenly over the four kinds, 2,000 by
 * default) and {@code -Dfuzz.seed=S} the seed, for big runs outside CI.
 */
class FuzzedRecordsTest {

    private static final int SAMPLES_PER_TYPE = Integer.getInteger("fuzz.samples", 2_000);
    private static final long SEED = Long.getLong("fuzz.seed", 20_260_610L);

    static List<Class<? extends SpecificRecord>> writtenTypes() {
        return RecordFuzzer.writtenTypes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenTypes")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldReadEveryGeneratedRecordOrRefuseItByName(Class<? extends SpecificRecord> type) {
        // given a seed-fixed fuzzer for the type and the type's serde
        RecordFuzzer fuzzer = new RecordFuzzer(SEED + RecordFuzzer.writtenTypes().indexOf(type));
        AvroSerde serde = AvroSerde.of(type);
        Map<String, Integer> outcomes = new TreeMap<>();
        long started = System.nanoTime();

        for (int i = 0; i < SAMPLES_PER_TYPE; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            Sample sample = fuzzer.next(type, kind);
            String outcome;
            try {
                // when it is read
                SpecificRecord read = (SpecificRecord) serde.deserialize("fuzz", sample.value());

                // then a record is a record of the type, and what is read back is written back the same
                assertThat(read).as("%s", sample).isInstanceOf(type);
                if (kind == Kind.VALID || kind == Kind.HOSTILE_VALUES) {
                    assertThat(serde.serialize("fuzz", read)).as("%s", sample).isEqualTo(sample.value());
                }
                outcome = "read";
            } catch (UnreadableRecordException e) {
                // or it is refused by name, and valid records never are
                assertThat(kind).as("%s refused: %s", sample, e.getMessage()).isNotIn(Kind.VALID, Kind.HOSTILE_VALUES);
                outcome = e.problem().name();
            } catch (Throwable t) {
                throw new AssertionError("not a named refusal for " + sample, t);
            }
            outcomes.merge(kind + " " + outcome, 1, Integer::sum);
        }

        System.out.printf("fuzz %s: %d samples in %d ms, seed %d: %s%n", type.getSimpleName(), SAMPLES_PER_TYPE,
                (System.nanoTime() - started) / 1_000_000, SEED, outcomes);
        assertThat(outcomes.keySet()).as("every kind was generated and read")
                .anyMatch(o -> o.startsWith("VALID read")).anyMatch(o -> o.startsWith("HOSTILE_VALUES read"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenTypes")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryValidRecordEqual(Class<? extends SpecificRecord> type) {
        RecordFuzzer fuzzer = new RecordFuzzer(SEED);
        AvroSerde serde = AvroSerde.of(type);

        for (int i = 0; i < 200; i++) {
            SpecificRecord record = fuzzer.valid(type);

            assertThat(serde.deserialize("fuzz", serde.serialize("fuzz", record))).isEqualTo(record);
        }
    }

    @Test
    void shouldGiveTheSameSamplesForTheSameSeed() {
        RecordFuzzer one = new RecordFuzzer(42);
        RecordFuzzer two = new RecordFuzzer(42);
        RecordFuzzer other = new RecordFuzzer(43);
        boolean differs = false;

        for (Class<? extends SpecificRecord> type : RecordFuzzer.catalogTypes()) {
            for (int i = 0; i < 20; i++) {
                Sample a = one.next(type);
                Sample b = two.next(type);
                Sample c = other.next(type);

                assertThat(a.kind()).isEqualTo(b.kind());
                assertThat(a.key()).isEqualTo(b.key());
                assertThat(a.value()).isEqualTo(b.value());
                assertThat(a.description()).isEqualTo(b.description());
                differs |= !Arrays.equals(a.value(), c.value());
            }
        }
        assertThat(differs).as("another seed gives other samples").isTrue();
    }

    @Test
    void shouldKeepHostileValuesUnderTheRecordLimitAndMakeOversizeBytesOverIt() {
        RecordFuzzer fuzzer = new RecordFuzzer(7);
        int longStrings = 0;
        int oversize = 0;

        for (Class<? extends SpecificRecord> type : RecordFuzzer.catalogTypes()) {
            for (int i = 0; i < 100; i++) {
                Sample hostile = fuzzer.next(type, Kind.HOSTILE_VALUES);
                assertThat(hostile.value().length).as("%s", hostile).isLessThanOrEqualTo(AvroSerde.MAX_RECORD_BYTES);
                longStrings += hostile.value().length > 100_000 ? 1 : 0;
                Sample bytes = fuzzer.next(type, Kind.HOSTILE_BYTES);
                oversize += bytes.value().length > AvroSerde.MAX_RECORD_BYTES ? 1 : 0;
            }
        }

        assertThat(longStrings).as("records over 100 KB").isGreaterThan(10);
        assertThat(oversize).as("hostile bytes over the limit").isGreaterThan(10);
    }

    @Test
    void shouldKeyRecordsByTheirNaturalIdMostly() {
        RecordFuzzer fuzzer = new RecordFuzzer(11);
        int natural = 0;
        int nullKeys = 0;

        for (int i = 0; i < 1_000; i++) {
            Sample sample = fuzzer.next(io.failback.messages.ControlCommand.class, Kind.VALID);
            io.failback.messages.ControlCommand read = AvroSerde.of(io.failback.messages.ControlCommand.class)
                    .deserialize("fuzz", sample.value());
            if (sample.key() == null) {
                nullKeys++;
            } else if (new String(sample.key(), java.nio.charset.StandardCharsets.UTF_8).equals(read.getJobId())) {
                natural++;
            }
        }

        assertThat(natural).isBetween(800, 900);
        assertThat(nullKeys).isPositive();
    }

    @Test
    void shouldNameWhatEachSampleIs() {
        RecordFuzzer fuzzer = new RecordFuzzer(3);
        for (Kind kind : Kind.values()) {
            Sample sample = fuzzer.next(io.failback.messages.FailbackRequest.class, kind);
            if (sample.description().isBlank() || !sample.toString().startsWith(kind.name())) {
                fail("no description: " + sample);
            }
        }
    }
}
