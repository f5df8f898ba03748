package io.failback.azure.commands;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Function;

import io.failback.agent.AnsweredCommands;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each command once: a command id already answered (a re-send after a timeout, a redelivery after
 * a failover or a failed publish) gets the remembered result without a call to ARM; a first one goes to
 * the {@link AzureCommandHandler}.
 */
public final class RememberingCommandHandler implements Function<AzureCommand, AzureResult> {

    private static final Logger log = LoggerFactory.getLogger(RememberingCommandHandler.class);

    private final AzureCommandHandler handler;
    private final AnsweredCommands<AzureResult> answered;

    public RememberingCommandHandler(AzureCommandHandler handler, AnsweredCommands<AzureResult> answered) {
        this.handler = handler;
        this.answered = answered;
    }

    @Override
    public AzureResult apply(AzureCommand command) {
        AnsweredCommands.Answer<AzureResult> answer;
        try {
            answer = answered.answer(command.getCommandId(), fingerprint(command), () -> handler.handle(command));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the first run of command "
                    + LogSafe.of(command.getCommandId()), e);
        }
        if (answer.remembered()) {
            log.info("command {} of job {} for VM {} was answered before ({}): answering again without calling ARM",
                    LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()), LogSafe.of(command.getVmId()),
                    answer.result().getCode());
        }
        return answer.result();
    }

    /** The command's content apart from its send time, as a digest: what a re-sent command shares with the first. */
    static String fingerprint(AzureCommand command) {
        AzureCommand unsent = AzureCommand.newBuilder(command).setIssuedAt(Instant.EPOCH).build();
        byte[] bytes = Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), unsent);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
