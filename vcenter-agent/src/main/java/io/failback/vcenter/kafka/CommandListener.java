package io.failback.vcenter.kafka;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import io.failback.agent.AnsweredCommands;
import io.failback.agent.DeadLetterPublisher;
import io.failback.agent.Sends;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import io.failback.schemas.UnreadableRecordException;
import io.failback.vcenter.CommandHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Reads vCenter commands, runs each (or finds its answer among those already given), and publishes the
 * result keyed by job id in the Kafka transaction that commits the command's offset. A record that is not a
 * readable command, whatever its bytes, goes to the dead-letter topic in that transaction and consumption
 * goes on; any other failure is thrown, rolls the transaction back and meets the container's bounded retry.
 */
public class CommandListener {

    static final String SERVICE = "vcenter-agent";
    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final CommandHandler handler;
    private final AnsweredCommands<VcenterResult> answered;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final DeadLetterPublisher deadLetters;

    public CommandListener(CommandHandler handler, AnsweredCommands<VcenterResult> answered, KafkaTemplate<byte[], byte[]> kafka,
                           DeadLetterPublisher deadLetters) {
        this.handler = handler;
        this.answered = answered;
        this.kafka = kafka;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = "vcenter-commands", idIsGroup = false, topics = "#{T(io.failback.schemas.Topics).VCENTER_COMMANDS.name()}")
    public void onCommand(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        VcenterCommand command;
        try {
            command = read(record);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Whatever the bytes make the decoder throw (a named problem, or anything Avro lets slip, or an
            // allocation or a depth no command needs) is the record's fault, not the agent's: it is not retried.
            deadLetters.publish(record, e, "unreadable command");
            return;
        }
        AnsweredCommands.Answer<VcenterResult> answer = answered.answer(command.getCommandId(), fingerprint(command),
                () -> handler.handle(command));
        VcenterResult result = answer.result();
        if (answer.remembered()) {
            log.info("command {} of job {} for VM {} was answered before ({}): answering again without acting",
                    LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()), LogSafe.of(command.getVmId()), result.getCode());
        }
        String topic = Topics.VCENTER_EVENTS.name();
        Sends.await(kafka.send(new ProducerRecord<>(topic, Topics.VCENTER_EVENTS.keySerde().serializer().serialize(topic,
                result.getJobId()), Topics.VCENTER_EVENTS.valueSerde().serializer().serialize(topic, result))));
    }

    /** The command's content apart from its send time, as a digest: what a re-sent command shares with the first. */
    static String fingerprint(VcenterCommand command) {
        VcenterCommand unsent = VcenterCommand.newBuilder(command).setIssuedAt(Instant.EPOCH).build();
        byte[] bytes = Topics.VCENTER_COMMANDS.valueSerde().serializer().serialize(Topics.VCENTER_COMMANDS.name(), unsent);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static VcenterCommand read(ConsumerRecord<byte[], byte[]> record) {
        VcenterCommand command = Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        if (command == null) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.EMPTY, record.topic(), "a tombstone is no command", null);
        }
        return command;
    }
}
