package io.failback.agent;

import io.failback.schemas.LogSafe;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * The agents' one listener: takes a command the container read (in the transaction that will commit its
 * offset), runs the agent's handler once per command id (a re-sent command is answered from
 * {@link AnsweredCommands}), and publishes the result keyed by its job id in that transaction. What it
 * throws rolls the transaction back and meets the after-rollback processor: bounded back-off, then dead letter.
 */
final class CommandListener<C extends SpecificRecord, R extends SpecificRecord> implements MessageListener<byte[], C> {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final AgentSpec<C, R> agent;
    private final AnsweredCommands<R> answered;
    private final KafkaTemplate<String, R> results;

    CommandListener(AgentSpec<C, R> agent, AnsweredCommands<R> answered, KafkaTemplate<String, R> results) {
        this.agent = agent;
        this.answered = answered;
        this.results = results;
    }

    @Override
    public void onMessage(ConsumerRecord<byte[], C> record) {
        MDC.clear(); // nothing of the previous command is said of this one
        C command = record.value();
        if (command == null) {
            // Kafka hands a tombstone over without calling the value deserializer: named here as the decoder
            // would, so it is dead-lettered at once like any unreadable record instead of being retried.
            throw new DeserializationException("a tombstone is no command", null, false,
                    new UnreadableRecordException(Problem.EMPTY, record.topic(), "a tombstone is no command", null));
        }
        String commandId = Envelope.get(command, Envelope.COMMAND_ID);
        // every line logged while this command is handled names it (structured logging shows these as fields)
        MDC.put("commandId", LogSafe.of(commandId));
        MDC.put("jobId", LogSafe.of(Envelope.get(command, Envelope.JOB_ID)));
        MDC.put("vmId", LogSafe.of(Envelope.get(command, Envelope.VM_ID)));
        AnsweredCommands.Answer<R> answer;
        try {
            answer = answered.answer(commandId, Envelope.fingerprint(agent.commands(), command),
                    () -> AgentMetrics.timed(agent, command, () -> agent.handler().handle(command)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the first run of command " + LogSafe.of(commandId), e);
        }
        R result = answer.result();
        if (answer.remembered()) {
            log.info("command {} of job {} for VM {} was answered before ({}): answering again without acting", LogSafe.of(commandId),
                    LogSafe.of(Envelope.get(command, Envelope.JOB_ID)), LogSafe.of(Envelope.get(command, Envelope.VM_ID)),
                    Envelope.get(result, Envelope.CODE));
        }
        // The transaction opens on this send, after the operation: it lasts milliseconds however long the operation took.
        Sends.await(results.send(agent.results().name(), Envelope.get(result, Envelope.JOB_ID), result));
    }
}
