package io.failback.azure.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.failback.agent.DeadLetterPublisher;
import io.failback.agent.Sends;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Reads Azure commands in batches, runs the readable ones within the agent's concurrency bound and
 * publishes one result per command, keyed by its job id; a record that is not a readable command,
 * whatever its bytes, goes to the dead-letter topic. Results, dead letters and the batch's offsets are
 * committed in one Kafka transaction, so a crash repeats commands (answered idempotently) rather than
 * losing them, and no result or dead letter of a rolled-back attempt is ever read.
 */
public class AzureCommandListener {

    static final String SERVICE = "azure-agent";

    private final BoundedCommandRunner runner;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final DeadLetterPublisher deadLetters;

    public AzureCommandListener(BoundedCommandRunner runner, KafkaTemplate<byte[], byte[]> kafka, DeadLetterPublisher deadLetters) {
        this.runner = runner;
        this.kafka = kafka;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = SERVICE, topics = "#{T(io.failback.schemas.Topics).AZURE_COMMANDS.name()}", batch = "true")
    public void onCommands(List<ConsumerRecord<byte[], byte[]>> records) throws InterruptedException {
        List<AzureCommand> commands = new ArrayList<>();
        List<Map.Entry<ConsumerRecord<byte[], byte[]>, Throwable>> unreadable = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                commands.add(read(record));
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                // Whatever the bytes make the decoder throw is the record's fault, not the agent's: not retried.
                unreadable.add(Map.entry(record, e));
            }
        }
        List<AzureResult> results = runner.runAll(commands);
        // Nothing is sent before every operation is done: the transaction opens on the first send and must
        // not last as long as an Azure operation (minutes).
        for (Map.Entry<ConsumerRecord<byte[], byte[]>, Throwable> dead : unreadable) {
            deadLetters.publish(dead.getKey(), dead.getValue(), "unreadable Azure command");
        }
        String topic = Topics.AZURE_EVENTS.name();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (AzureResult result : results) {
            sends.add(kafka.send(new ProducerRecord<>(topic, Topics.AZURE_EVENTS.keySerde().serializer().serialize(topic, result.getJobId()),
                    Topics.AZURE_EVENTS.valueSerde().serializer().serialize(topic, result))));
        }
        sends.forEach(Sends::await);
    }

    private static AzureCommand read(ConsumerRecord<byte[], byte[]> record) {
        AzureCommand command = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        if (command == null) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.EMPTY, record.topic(), "a tombstone is no command", null);
        }
        return command;
    }
}
