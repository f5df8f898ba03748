package io.failback.orchestrator.streams;

import java.util.List;

import io.failback.schemas.DeadLetters;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record the orchestrator can't read, or can't process, to its dead-letter topic with the
 * error in the headers, inside the same transaction, and lets processing go on with the next one. An
 * output the catalog's topics can't take (too large to encode or to store) does the same with the
 * input that caused it: one record must never put the orchestrator into a crash loop. Any other
 * failure to produce fails the transaction, so nothing is claimed that was not written.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
    static final String SERVICE = "orchestrator-service";
    /** The topics the global stores load, read by the global thread. */
    private static final java.util.Set<String> GLOBAL_TOPICS = java.util.Set.of(Topics.INVENTORY.name(), Topics.RECOVERY_POINTS.name());

    @Override
    public void configure(java.util.Map<String, ?> configs) {
        // nothing to configure: the dead-letter topic comes from the catalog
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                               Exception exception) {
        if (GLOBAL_TOPICS.contains(record.topic())) {
            // The global thread has no producer: Kafka Streams can't send a dead letter from it (KAFKA-19939),
            // so the record is skipped, never stored, and the log names it for the replication engine's owner.
            log.error("unreadable record on {}-{}@{} skipped (not stored; a global store can't dead-letter): {}", record.topic(),
                    record.partition(), record.offset(), DeadLetters.problemOf(exception));
            return DeserializationExceptionHandler.Response.resume();
        }
        log.error("unreadable record on {}-{}@{}, dead-lettered to {} in this transaction: {}", record.topic(), record.partition(),
                record.offset(), Topics.ORCHESTRATOR_DLT.name(), DeadLetters.problemOf(exception));
        JobMetrics.deadLettered(SERVICE, record.topic());
        return DeserializationExceptionHandler.Response.resume(List.of(DeadLetters.of(Topics.ORCHESTRATOR_DLT, SERVICE,
                record.topic(), record.partition(), record.offset(), record.key(), record.value(), exception)));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return ProductionExceptionHandler.Response.fail();
        }
        return outputRefused(context, record.topic(), exception);
    }

    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                                        Exception exception, SerializationExceptionOrigin origin) {
        return outputRefused(context, record.topic(), exception);
    }

    private static ProductionExceptionHandler.Response outputRefused(ErrorHandlerContext context, String outputTopic, Exception exception) {
        log.error("an output to {} for the record on {}-{}@{} can't be written ({}); that record is dead-lettered to {} in this transaction",
                outputTopic, context.topic(), context.partition(), context.offset(), LogSafe.of(exception, 500), Topics.ORCHESTRATOR_DLT.name());
        JobMetrics.deadLettered(SERVICE, context.topic());
        return ProductionExceptionHandler.Response.resume(List.of(DeadLetters.of(Topics.ORCHESTRATOR_DLT, SERVICE,
                String.valueOf(context.topic()), context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
                exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        // the message may quote input: escaped at ERROR, the stack trace (our own frames) at DEBUG
        log.error("record on {}-{}@{} could not be processed, dead-lettered to {} in this transaction: {}", context.topic(),
                context.partition(), context.offset(), Topics.ORCHESTRATOR_DLT.name(), LogSafe.of(exception, 500));
        log.debug("processing failure of {}-{}@{}", context.topic(), context.partition(), context.offset(), exception);
        JobMetrics.deadLettered(SERVICE, context.topic());
        return ProcessingExceptionHandler.Response.resume(List.of(DeadLetters.of(Topics.ORCHESTRATOR_DLT, SERVICE,
                context.topic(), context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(), exception)));
    }
}
