package io.failback.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A peer registered on a static field lives for the class, on an instance field for each test, and is always stopped. */
class ManagedResourceTest {

    private final AtomicInteger started = new AtomicInteger();
    private final List<String> stopped = new ArrayList<>();
    private final ManagedResource<String> peer = new ManagedResource<>("the peer", () -> "peer-" + started.incrementAndGet(), stopped::add) {
    };

    @Test
    void shouldRunOnePeerForTheWholeClassWhenRegisteredStatically() {
        // given the extension on a static field
        peer.beforeAll(null);

        // when two tests run
        List<String> seen = twoTests();
        peer.afterAll(null);

        // then both saw the same peer, stopped once after the class
        assertThat(seen).containsExactly("peer-1", "peer-1");
        assertThat(stopped).containsExactly("peer-1");
    }

    @Test
    void shouldRunAFreshPeerForEachTestWhenRegisteredOnAnInstanceField() {
        // when two tests run with the extension on an instance field
        List<String> seen = twoTests();

        // then each had its own, stopped after it
        assertThat(seen).containsExactly("peer-1", "peer-2");
        assertThat(stopped).containsExactly("peer-1", "peer-2");
    }

    /** The peer each of two tests sees, as JUnit calls the extension around them. */
    private List<String> twoTests() {
        List<String> seen = new ArrayList<>();
        for (int test = 0; test < 2; test++) {
            peer.beforeEach(null);
            seen.add(peer.get());
            peer.afterEach(null);
        }
        return seen;
    }

    @Test
    void shouldNameThePeerWhenUsedOutsideItsLifetime() {
        assertThatThrownBy(peer::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the peer is not running").hasMessageContaining("@RegisterExtension");
    }
}
