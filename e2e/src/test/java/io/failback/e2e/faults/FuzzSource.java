package io.failback.e2e.faults;

/** Where the fuzz test's inputs come from: an endless, seed-determined stream. */
public interface FuzzSource {

    FuzzInput next();

    /** What generates the inputs and from which seed, for the report. */
    String describe();
}
