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
        peer.beforeEach(null);
        String first = peer.get();
        peer.afterEach(null);
        peer.beforeEach(null);
        String second = peer.get();
        peer.afterEach(null);
        peer.afterAll(null);

        // then both saw the same peer, stopped once after the class
        assertThat(first).isEqualTo(second).isEqualTo("peer-1");
        assertThat(stopped).containsExactly("peer-1");
    }

    @Test
    void shouldRunAFreshPeerForEachTestWhenRegisteredOnAnInstanceField() {
        // when two tests run with the extension on an instance field
        peer.beforeEach(null);
        String first = peer.get();
        peer.afterEach(null);
        peer.beforeEach(null);
        String second = peer.get();
        peer.afterEach(null);

        // then each had its own, stopped after it
        assertThat(List.of(first, second)).containsExactly("peer-1", "peer-2");
        assertThat(stopped).containsExactly("peer-1", "peer-2");
    }

    @Test
    void shouldNameThePeerWhenUsedOutsideItsLifetime() {
        assertThatThrownBy(peer::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the peer is not running").hasMessageContaining("@RegisterExtension");
    }
}
