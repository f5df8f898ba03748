package io.failback.testsupport;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A peer a test needs running (a broker, a simulator), as a JUnit 5 extension: registered with
 * {@code @RegisterExtension} on a static field it runs for the whole class, on an instance field for each test,
 * and it is stopped after them even when a test fails.
 */
public class ManagedResource<T> implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String name;
    private final Supplier<T> start;
    private final Consumer<T> stop;
    private T resource;
    private boolean perClass;

    protected ManagedResource(String name, Supplier<T> start, Consumer<T> stop) {
        this.name = name;
        this.start = start;
        this.stop = stop;
    }

    /** The running peer; only between the extension's start and stop. */
    public T get() {
        if (resource == null) {
            throw new IllegalStateException(name + " is not running: register it with @RegisterExtension and use it from a test");
        }
        return resource;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        resource = start.get();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            resource = start.get();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stopResource();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopResource();
    }

    private void stopResource() {
        T running = resource;
        resource = null;
        if (running != null) {
            stop.accept(running);
        }
    }
}
