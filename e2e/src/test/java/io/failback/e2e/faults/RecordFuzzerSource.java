package io.failback.e2e.faults;

import java.util.List;
import java.util.SplittableRandom;

import io.failback.schemas.AvroSerde;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.failback.schemas.fuzz.RecordFuzzer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The fuzz test's inputs from the schemas module's {@link RecordFuzzer}, for the four topics clients
 * write: the topic, and for a quarter of the inputs an explicit partition (a client with a partitioner of
 * its own), drawn from the same seed; one agent command in a hundred is a tombstone, which RecordFuzzer
 * does not make and an agent must also dead-letter.
 */
final class RecordFuzzerSource implements FuzzSource {

    private static final List<Topic<String, ? extends SpecificRecord>> TOPICS = List.of(Topics.REQUESTS, Topics.CONTROL,
            Topics.VCENTER_COMMANDS, Topics.AZURE_COMMANDS);

    private final long seed;
    private final RecordFuzzer fuzzer;
    private final SplittableRandom random;

    RecordFuzzerSource(long seed) {
        this.seed = seed;
        this.fuzzer = new RecordFuzzer(seed);
        this.random = new SplittableRandom(~seed);
    }

    @Override
    public FuzzInput next() {
        Topic<String, ? extends SpecificRecord> topic = TOPICS.get(random.nextInt(TOPICS.size()));
        Integer partition = random.nextInt(4) == 0 ? random.nextInt(Topics.PARTITIONS) : null;
        boolean agentTopic = topic == Topics.VCENTER_COMMANDS || topic == Topics.AZURE_COMMANDS;
        if (agentTopic && random.nextInt(100) == 0) {
            return new FuzzInput(topic.name(), "vm-tombstone".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, partition,
                    "HOSTILE_BYTES", "a tombstone");
        }
        RecordFuzzer.Sample sample = fuzzer.next(((AvroSerde<? extends SpecificRecord>) topic.valueSerde()).type());
        return new FuzzInput(topic.name(), sample.key(), sample.value(), partition, sample.kind().name(), sample.description());
    }

    @Override
    public String describe() {
        return "RecordFuzzer, seed " + seed;
    }
}
