package io.failback.vcenter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.failback.messages.ConnectionChecked;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.messages.PowerState;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.testsupport.VcsimExtension;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the agent reaches vCenters: two simulators, each with a certificate of its own, configured side
 * by side; TLS verified unless explicitly switched off; wrong credentials; a session ended by vCenter.
 */
class VcenterConnectionIT {

    private static final String SEED = """
            {"vms": [{"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn"},
                     {"name": "lin01", "guestId": "rhel7_64Guest", "powerState": "poweredOn"}]}
            """;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final VcsimExtension eastVcenter = VcsimExtension.of(b -> b.seedJson(SEED).credentials("east-admin", "east-Secret-1"));
    @RegisterExtension
    static final VcsimExtension westVcenter = VcsimExtension.of(b -> b.seedJson(SEED).credentials("west-admin", "west-Secret-2"));
    static Vcsim east;
    static Vcsim west;

    @BeforeAll
    static void start() {
        east = eastVcenter.get();
        west = westVcenter.get();
    }

    private static VcenterProperties.Server server(String name, Vcsim vcsim, String truststore, String type, String password,
                                                   boolean insecure) {
        return new VcenterProperties.Server(name, vcsim.url().toString(), vcsim.username(), password, truststore,
                Servers.TRUSTSTORE_PASSWORD, type, insecure, 2, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private static VcenterResult handle(VcenterProperties.Server server, io.failback.messages.VcenterCommand command) {
        try (VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(server)))) {
            return new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC()).handle(command);
        }
    }

    @Test
    void shouldWorkWithTwoVcentersEachTrustedThroughItsOwnTruststore() {
        VcenterProperties.Server a = Servers.trusting("vc-east", east, dir);
        VcenterProperties.Server b = Servers.trusting("vc-west", west, dir);

        try (VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(a, b)))) {
            CommandHandler handler = new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC());
            VcenterResult offEast = handler.handle(Commands.powerOff("vc-east", "web01"));
            VcenterResult checkWest = handler.handle(Commands.checkConnection("vc-west"));

            assertThat(offEast.getCode()).as(offEast.getMessage()).isEqualTo(VcenterResultCode.OK);
            assertThat(((VmPowerState) offEast.getOutcome()).getPowerState()).isEqualTo(PowerState.POWERED_OFF);
            assertThat(checkWest.getCode()).as(checkWest.getMessage()).isEqualTo(VcenterResultCode.OK);
        }
    }

    @Test
    void shouldRefuseAnUntrustedCertificateByDefault() {
        VcenterResult result = handle(server("vc-east", east, null, "PKCS12", east.password(), false), Commands.checkConnection("vc-east"));

        assertThat(result.getCode()).isEqualTo(VcenterResultCode.NOT_CONNECTED);
        assertThat(result.getMessage()).contains("SSLHandshakeException").contains("certification path");
        assertThat((ConnectionChecked) result.getOutcome()).extracting(ConnectionChecked::getConnected).isEqualTo(false);
    }

    @Test
    void shouldRefuseTheOtherVcentersCertificate() {
        Path westStore = west.writeTrustStore(dir.resolve("only-west.p12"), Servers.TRUSTSTORE_PASSWORD.toCharArray());

        VcenterResult result = handle(server("vc-east", east, westStore.toString(), "PKCS12", east.password(), false),
                Commands.checkConnection("vc-east"));

        assertThat(result.getCode()).isEqualTo(VcenterResultCode.NOT_CONNECTED);
    }

    @Test
    void shouldRefuseATrustedCertificateThatDoesNotNameTheHost() throws Exception {
        // The simulator's certificate names 127.0.0.1, ::1 and localhost; this one listens on 127.0.0.2.
        try (Vcsim elsewhere = Vcsim.builder().listen("127.0.0.2").seedJson(SEED).start()) {
            Path store = elsewhere.writeTrustStore(dir.resolve("elsewhere.p12"), Servers.TRUSTSTORE_PASSWORD.toCharArray());
            assertThat(elsewhere.url().getHost()).isEqualTo("127.0.0.2");
            // yavijava's trust-all reader swaps the JVM's default HostnameVerifier for one accepting any name
            new Inventory(elsewhere).close();

            VcenterResult result = handle(server("vc-x", elsewhere, store.toString(), "PKCS12", elsewhere.password(), false),
                    Commands.checkConnection("vc-x"));

            assertThat(result.getCode()).isEqualTo(VcenterResultCode.NOT_CONNECTED);
            assertThat(result.getMessage()).contains("127.0.0.2");
        }
    }

    @Test
    void shouldTrustAPemCertificateFile() {
        String pem = east.certificate().orElseThrow().toString();

        VcenterResult result = handle(server("vc-east", east, pem, "PEM", east.password(), false), Commands.checkConnection("vc-east"));

        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
    }

    @Test
    void shouldSkipVerificationOnlyWhenInsecureIsSet() {
        VcenterResult result = handle(server("vc-east", east, null, "PKCS12", east.password(), true), Commands.checkConnection("vc-east"));

        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
    }

    @Test
    void shouldTalkPlainHttpToAVcenterWhoseUrlSaysSo() {
        try (Vcsim plain = Vcsim.builder().http().seedJson(SEED).start()) {
            assertThat(plain.url().getScheme()).isEqualTo("http");
            assertThat(plain.certificate()).isEmpty();

            VcenterResult result = handle(server("vc-plain", plain, null, "PKCS12", plain.password(), false),
                    Commands.powerOff("vc-plain", "lin01"));

            assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        }
    }

    @Test
    void shouldAnswerAuthenticationFailedForWrongCredentialsWithoutRepeatingThem() {
        Path store = east.writeTrustStore(dir.resolve("east-auth.p12"), Servers.TRUSTSTORE_PASSWORD.toCharArray());
        String wrong = "not-the-Password-42";

        VcenterResult check = handle(server("vc-east", east, store.toString(), "PKCS12", wrong, false), Commands.checkConnection("vc-east"));
        VcenterResult off = handle(server("vc-east", east, store.toString(), "PKCS12", wrong, false), Commands.powerOff("vc-east", "lin01"));

        assertThat(check.getCode()).isEqualTo(VcenterResultCode.AUTHENTICATION_FAILED);
        assertThat(off.getCode()).isEqualTo(VcenterResultCode.AUTHENTICATION_FAILED);
        assertThat(check.getMessage()).contains("InvalidLogin").doesNotContain(wrong).doesNotContain(east.password());
    }

    @Test
    void shouldLogInAgainWhenVcenterEndsTheSession() throws Exception {
        try (VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(Servers.trusting("vc-west", west, dir))));
             Inventory admin = new Inventory(west)) {
            CommandHandler handler = new CommandHandler(clients, new VcenterOperations(), Clock.systemUTC());
            assertThat(handler.handle(Commands.checkConnection("vc-west")).getCode()).isEqualTo(VcenterResultCode.OK);

            admin.terminateOtherSessions();
            VcenterResult after = handler.handle(Commands.powerOff("vc-west", "lin01"));

            assertThat(after.getCode()).as(after.getMessage()).isEqualTo(VcenterResultCode.OK);
            assertThat(admin.powerState("lin01")).isEqualTo("poweredOff");
            assertThat(clients.get("vc-west").orElseThrow().logins()).isEqualTo(2);
        }
    }
}
