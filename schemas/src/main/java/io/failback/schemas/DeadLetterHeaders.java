package io.failback.schemas;

/**
 * Header names on dead-letter records, the same for every service so one tool reads them all. The
 * original key and value are kept byte for byte.
 */
public final class DeadLetterHeaders {

    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "failback.dlt.source-topic";
    public static final String SOURCE_PARTITION = "failback.dlt.source-partition";
    public static final String SOURCE_OFFSET = "failback.dlt.source-offset";
    /** An {@link UnreadableRecordException.Problem} name, or the exception's class name. */
    public static final String PROBLEM = "failback.dlt.problem";
    /**
     * The error message, which never carries a secret (it describes bytes, not configuration), escaped and
     * cut to {@link DeadLetters#MAX_MESSAGE_CHARS} characters as {@link LogSafe} does.
     */
    public static final String MESSAGE = "failback.dlt.message";
    /** The service that gave up on the record. */
    public static final String SERVICE = "failback.dlt.service";

    private DeadLetterHeaders() {
    }
}
