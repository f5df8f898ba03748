package io.failback.azure.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.schemas.DeadLetters;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Reads Azure commands in batches, sends the unreadable ones to the dead-letter topic, runs the rest
 * within the agent's concurrency bound and publishes one result per command, keyed by its job id. The
 * batch's offsets are committed only after every result and dead letter is acknowledged by the broker,
 * so a crash repeats commands (which the agent answers idempotently) rather than losing them.
 */
public class AzureCommandListener {

    static final String SERVICE = "azure-agent";
    private static final Logger log = LoggerFactory.getLogger(AzureCommandListener.class);

    private final BoundedCommandRunner runner;
    private final KafkaTemplate<byte[], byte[]> kafka;

    public AzureCommandListener(BoundedCommandRunner runner, KafkaTemplate<byte[], byte[]> kafka) {
        this.runner = runner;
        this.kafka = kafka;
    }

    @KafkaListener(id = SERVICE, topics = "#{T(io.failback.schemas.Topics).AZURE_COMMANDS.name()}", batch = "true")
    public void onCommands(List<ConsumerRecord<byte[], byte[]>> records) throws InterruptedException {
        List<CompletableFuture<SendResult<byte[], byte[]>>> sends = new ArrayList<>();
        List<AzureCommand> commands = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                AzureCommand command = Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(record.topic(), record.value());
                if (command == null) {
                    throw new IllegalArgumentException("an Azure command record without a value");
                }
                commands.add(command);
            } catch (UnreadableRecordException | IllegalArgumentException e) {
                log.warn("unreadable Azure command at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
                sends.add(kafka.send(DeadLetters.of(Topics.AZURE_COMMANDS_DLT, SERVICE, record.topic(), record.partition(),
                        record.offset(), record.key(), record.value(), e)));
            }
        }
        for (AzureResult result : runner.runAll(commands)) {
            String topic = Topics.AZURE_EVENTS.name();
            sends.add(kafka.send(new ProducerRecord<>(topic, Topics.AZURE_EVENTS.keySerde().serializer().serialize(topic, result.getJobId()),
                    Topics.AZURE_EVENTS.valueSerde().serializer().serialize(topic, result))));
        }
        for (CompletableFuture<SendResult<byte[], byte[]>> send : sends) {
            try {
                send.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("could not publish Azure results; the batch will be read again", e);
            }
        }
    }
}
