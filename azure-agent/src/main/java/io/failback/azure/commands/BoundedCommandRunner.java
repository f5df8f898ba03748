package io.failback.azure.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;

/**
 * Runs a batch of commands with at most {@code maxConcurrent} Azure operations at once. Commands for
 * the same VM run one after the other in arrival order; different VMs run side by side.
 */
public class BoundedCommandRunner implements AutoCloseable {

    private final ExecutorService pool;
    private final Function<AzureCommand, AzureResult> handler;

    public BoundedCommandRunner(int maxConcurrent, Function<AzureCommand, AzureResult> handler) {
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(maxConcurrent, r -> {
            Thread t = new Thread(r, "azure-op-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.handler = handler;
    }

    /** Every command's result, once all are done. */
    public List<AzureResult> runAll(List<AzureCommand> commands) throws InterruptedException {
        Map<String, List<AzureCommand>> byVm = new LinkedHashMap<>();
        for (AzureCommand command : commands) {
            byVm.computeIfAbsent(command.getVmId(), vm -> new ArrayList<>()).add(command);
        }
        List<Future<List<AzureResult>>> running = new ArrayList<>();
        for (List<AzureCommand> sameVm : byVm.values()) {
            running.add(pool.submit(() -> sameVm.stream().map(handler).toList()));
        }
        List<AzureResult> results = new ArrayList<>(commands.size());
        for (Future<List<AzureResult>> future : running) {
            try {
                results.addAll(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a command handler failed instead of answering", e.getCause());
            }
        }
        return results;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
