package io.failback.azure.commands;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The results of the last commands this instance answered, by command id. A command sent again (the
 * orchestrator re-sends on a timeout; a failover or a failed publish redelivers) is answered from here
 * without acting on Azure twice, and a duplicate arriving while the first is still running waits for it.
 * Bounded (the least recently used go first) and in memory only: after a restart the operations' own
 * read-state-first idempotency answers.
 */
public final class AnsweredCommands<R> {

    /** A result, and whether it was remembered rather than run now. */
    public record Answer<R>(R result, boolean remembered) {
    }

    private record Entry<R>(Object sameness, CompletableFuture<R> result) {
    }

    private final int capacity;
    private final Map<String, Entry<R>> entries;

    public AnsweredCommands(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<R>> eldest) {
                return size() > AnsweredCommands.this.capacity;
            }
        };
    }

    /**
     * The answer to command {@code commandId}: remembered, awaited while another thread runs it, or run now
     * and remembered. A remembered answer is reused only for the same {@code sameness} (the command's content
     * apart from its send time): an id reused for another operation runs that operation.
     */
    public Answer<R> answer(String commandId, Object sameness, Supplier<R> run) throws InterruptedException {
        if (capacity == 0 || commandId == null || commandId.isBlank()) {
            return new Answer<>(run.get(), false);
        }
        while (true) {
            CompletableFuture<R> mine = new CompletableFuture<>();
            Entry<R> existing;
            synchronized (entries) {
                existing = entries.get(commandId);
                if (existing == null || !existing.sameness().equals(sameness)) {
                    entries.put(commandId, new Entry<>(sameness, mine));
                    existing = null;
                }
            }
            if (existing == null) {
                return new Answer<>(runAndRemember(commandId, mine, run), false);
            }
            try {
                return new Answer<>(existing.result().get(), true);
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

    private R runAndRemember(String commandId, CompletableFuture<R> mine, Supplier<R> run) {
        try {
            R result = run.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            synchronized (entries) {
                Entry<R> current = entries.get(commandId);
                if (current != null && current.result() == mine) {
                    entries.remove(commandId);
                }
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
