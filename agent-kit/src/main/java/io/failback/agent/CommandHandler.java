package io.failback.agent;

/**
 * What an agent does with one command: the only part of an agent the skeleton ({@link AgentKafka}) does
 * not provide. It answers every command it could read with a result, turning any failure of its peer
 * into a result code; an exception means "not done", which the skeleton retries, then dead-letters.
 *
 * @param <C> the agent's command record
 * @param <R> its result record
 */
@FunctionalInterface
public interface CommandHandler<C, R> {

    R handle(C command);
}
