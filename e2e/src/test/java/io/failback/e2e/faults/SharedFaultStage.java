package io.failback.e2e.faults;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands every fault test class the same {@link FaultStage}: started once per test run (starting it takes
 * a minute), stopped when the run ends. Its size follows {@code chaos.runs}.
 */
final class SharedFaultStage implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FaultStage.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(FaultStage.class, k -> start(), FaultStage.class);
    }

    private static FaultStage start() {
        try {
            Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fault-sandbox-");
            System.out.println("fault sandbox in " + work + " (logs in " + work.resolve("logs") + ")");
            return FaultStage.start(work, ChaosSettings.runs());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
