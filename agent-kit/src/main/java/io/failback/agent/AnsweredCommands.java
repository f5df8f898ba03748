package io.failback.agent;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The results of the last commands this instance answered, by command id. A command sent again (the
 * orchestrator re-sends on a timeout; a failover or a failed publish redelivers) is answered from here
 * without acting twice, and a duplicate arriving while the first is still running waits for it. Bounded
 * in count and in bytes (the least recently used go first, so large hostile commands can't fill the heap),
 * and in memory only: after a restart the operations' own read-state-first idempotency answers.
 */
public final class AnsweredCommands<R> {

    /** A result, and whether it was remembered rather than run now. */
    public record Answer<R>(R result, boolean remembered) {
    }

    private static final class Entry<R> {
        private final Object sameness;
        private final CompletableFuture<R> result = new CompletableFuture<>();
        private long weight;

        private Entry(Object sameness) {
            this.sameness = sameness;
        }
    }

    private final int maxCount;
    private final long maxBytes;
    private final ToLongFunction<R> bytesOf;
    /** Access order: the eldest is the least recently used. */
    private final Map<String, Entry<R>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /**
     * @param maxCount at most this many answers are kept (0 keeps none)
     * @param maxBytes nor more than this many bytes of them, as {@code bytesOf} weighs a result (ids included)
     */
    public AnsweredCommands(int maxCount, long maxBytes, ToLongFunction<R> bytesOf) {
        if (maxCount < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("bounds must not be negative");
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.bytesOf = bytesOf;
    }

    /**
     * The answer to command {@code commandId}: remembered, awaited while another thread runs it, or run now
     * and remembered. A remembered answer is reused only for the same {@code sameness} (the command's content
     * apart from its send time): an id reused for another operation runs that operation.
     */
    public Answer<R> answer(String commandId, Object sameness, Supplier<R> run) throws InterruptedException {
        if (maxCount == 0 || commandId == null || commandId.isBlank()) {
            return new Answer<>(run.get(), false);
        }
        while (true) {
            Entry<R> mine = new Entry<>(sameness);
            Entry<R> existing;
            synchronized (entries) {
                existing = entries.get(commandId);
                if (existing == null || !existing.sameness.equals(sameness)) {
                    forget(commandId);
                    entries.put(commandId, mine);
                    evict();
                    existing = null;
                }
            }
            if (existing == null) {
                return new Answer<>(runAndRemember(commandId, mine, run), false);
            }
            try {
                return new Answer<>(existing.result.get(), true);
            } catch (ExecutionException e) {
                // The first run ended without an answer and was forgotten: this one runs the command itself.
            }
        }
    }

    /** How many answers are remembered (or being worked out) now. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private R runAndRemember(String commandId, Entry<R> mine, Supplier<R> run) {
        R result;
        try {
            result = run.get();
        } catch (RuntimeException | Error e) {
            synchronized (entries) {
                if (entries.get(commandId) == mine) {
                    entries.remove(commandId);
                }
            }
            mine.result.completeExceptionally(e);
            throw e;
        }
        synchronized (entries) {
            if (entries.get(commandId) == mine) {
                mine.weight = bytesOf.applyAsLong(result) + 2L * commandId.length();
                bytes += mine.weight;
                evict();
            }
        }
        mine.result.complete(result);
        return result;
    }

    private void forget(String commandId) {
        Entry<R> old = entries.remove(commandId);
        if (old != null) {
            bytes -= old.weight;
        }
    }

    private void evict() {
        Iterator<Entry<R>> eldest = entries.values().iterator();
        while ((entries.size() > maxCount || bytes > maxBytes) && eldest.hasNext()) {
            bytes -= eldest.next().weight;
            eldest.remove();
        }
    }
}
