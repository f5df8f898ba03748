package io.failback.testsupport;

import java.util.function.UnaryOperator;

import io.failback.sandbox.vcsim.Vcsim;

/** The vCenter simulator ({@link Vcsim}), configured by the test, for a test class or a test. */
public final class VcsimExtension extends ManagedResource<Vcsim> {

    private VcsimExtension(UnaryOperator<Vcsim.Builder> configuration) {
        super("the vCenter simulator", () -> configuration.apply(Vcsim.builder()).start(), Vcsim::close);
    }

    /** A simulator built by {@code configuration} from {@link Vcsim#builder()}, e.g. {@code b -> b.seedJson(seed)}. */
    public static VcsimExtension of(UnaryOperator<Vcsim.Builder> configuration) {
        return new VcsimExtension(configuration);
    }
}
