package io.failback.e2e.faults;

/**
 * The sizes of the fault suite, from system properties so that the scripts run it large and CI small:
 * {@code chaos.runs} and {@code chaos.seed} for kill-anywhere, {@code fuzz.inputs} and {@code fuzz.seed}
 * for the fuzz test. CI uses fixed seeds; every seed is printed, so that any run can be repeated.
 */
final class ChaosSettings {

    static final int CI_RUNS = 6;
    static final int CI_FUZZ_INPUTS = 1_500;
    static final long CI_CHAOS_SEED = 2317L;
    static final long CI_FUZZ_SEED = 20_260_310L;

    private ChaosSettings() {
    }

    static int runs() {
        return Integer.getInteger("chaos.runs", CI_RUNS);
    }

    static long chaosSeed() {
        return seed("chaos.seed", CI_CHAOS_SEED);
    }

    static int fuzzInputs() {
        return Integer.getInteger("fuzz.inputs", CI_FUZZ_INPUTS);
    }

    static long fuzzSeed() {
        return seed("fuzz.seed", CI_FUZZ_SEED);
    }

    private static long seed(String property, long ciSeed) {
        String s = System.getProperty(property);
        return s == null || s.isBlank() ? ciSeed : Long.parseLong(s.trim());
    }
}
