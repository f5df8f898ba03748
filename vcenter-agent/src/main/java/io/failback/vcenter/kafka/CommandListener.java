package io.failback.vcenter.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.schemas.AvroSerde;
import io.failback.schemas.DeadLetters;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import io.failback.vcenter.CommandHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Reads vCenter commands, runs each, and publishes its result keyed by job id before the command's
 * offset is committed (a redelivered command is answered again; operations are idempotent). A record
 * that is not a readable command goes to the dead-letter topic and consumption goes on.
 */
public class CommandListener {

    static final String SERVICE = "vcenter-agent";
    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final CommandHandler handler;
    private final KafkaTemplate<String, VcenterResult> results;
    private final KafkaTemplate<byte[], byte[]> deadLetters;
    private final AvroSerde<VcenterCommand> commands = AvroSerde.of(VcenterCommand.class);

    public CommandListener(CommandHandler handler, KafkaTemplate<String, VcenterResult> results,
                           KafkaTemplate<byte[], byte[]> deadLetters) {
        this.handler = handler;
        this.results = results;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = "vcenter-commands", idIsGroup = false, topics = "#{T(io.failback.schemas.Topics).VCENTER_COMMANDS.name()}")
    public void onCommand(ConsumerRecord<byte[], byte[]> record) throws Exception {
        VcenterCommand command;
        try {
            command = commands.deserialize(record.topic(), record.value());
            if (command == null) {
                throw new UnreadableRecordException(UnreadableRecordException.Problem.EMPTY, record.topic(), "a tombstone is no command", null);
            }
        } catch (UnreadableRecordException e) {
            log.warn("unreadable command at {}-{}@{}: {}; sent to {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage(), Topics.VCENTER_COMMANDS_DLT.name());
            await(deadLetters.send(DeadLetters.of(Topics.VCENTER_COMMANDS_DLT, SERVICE, record.topic(), record.partition(),
                    record.offset(), record.key(), record.value(), e)));
            return;
        }
        VcenterResult result = handler.handle(command);
        await(results.send(Topics.VCENTER_EVENTS.name(), result.getJobId(), result));
    }

    /** A failed send throws, so the container's error handler retries the record rather than lose it. */
    private static void await(java.util.concurrent.CompletableFuture<?> send)
            throws ExecutionException, InterruptedException, TimeoutException {
        send.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
