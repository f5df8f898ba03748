package io.failback.vcenter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.failback.messages.AlternateLocation;
import io.failback.messages.ConnectionChecked;
import io.failback.messages.DetachDisks;
import io.failback.messages.Firmware;
import io.failback.messages.MachineShape;
import io.failback.messages.PowerOffVm;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.vcenter.vsphere.VcenterOperations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands the agent answers without reaching any vCenter. */
class CommandHandlerTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    // Port 9 (discard) on loopback: nothing listens, so an accidental connection would fail, not hang.
    private final VcenterClients clients = new VcenterClients(new VcenterProperties(List.of(new VcenterProperties.Server(
            "vc01", "https://127.0.0.1:9/sdk", "user", "secret-password", null, null, "PKCS12", false, 2,
            Duration.ofSeconds(5), Duration.ofSeconds(1)))));
    private final CommandHandler handler = new CommandHandler(clients, new VcenterOperations(), Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void shouldAnswerUnknownVcenterForAVcenterThatIsNotConfigured() {
        VcenterCommand command = Commands.powerOff("vc-elsewhere", "web01");

        VcenterResult result = handler.handle(command);

        assertThat(result.getCode()).isEqualTo(VcenterResultCode.UNKNOWN_VCENTER);
        assertThat(result.getMessage()).contains("vc-elsewhere").contains("vc01");
        assertThat(result.getCommandId()).isEqualTo(command.getCommandId());
        assertThat(result.getJobId()).isEqualTo(command.getJobId());
        assertThat(result.getVmId()).isEqualTo(command.getVmId());
        assertThat(result.getCompletedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldFindTheVcenterWhateverTheCaseOfItsName() {
        VcenterResult result = handler.handle(Commands.checkConnection("VC01"));

        assertThat(result.getCode()).isEqualTo(VcenterResultCode.NOT_CONNECTED);
        assertThat((ConnectionChecked) result.getOutcome()).isEqualTo(new ConnectionChecked(false, ""));
    }

    @Test
    void shouldAnswerInvalidCommandForMissingNamesOrDisks() {
        List<VcenterCommand> invalid = List.of(
                Commands.command("vm-1", new PowerOffVm("vc01", " ", null)),
                Commands.command("vm-1", new PowerOffVm("", "web01", null)),
                Commands.command("vm-1", new DetachDisks("vc01", "mt01", List.of(), null)),
                Commands.command("vm-1", new DetachDisks("vc01", "mt01", List.of("[ds] a.vmdk", ""), null)),
                VcenterCommand.newBuilder(Commands.powerOff("vc01", "web01")).setJobId("").build());

        assertThat(invalid).map(handler::handle).extracting(VcenterResult::getCode).containsOnly(VcenterResultCode.INVALID_COMMAND);
    }

    @Test
    void shouldAnswerInvalidCommandForACreateOrDestroyMissingWhatItNeeds() {
        AlternateLocation location = AlternateLocation.newBuilder().setVCenter("vc01").setDatacenter("DC0").setCluster("DC0_C0")
                .setDatastore("LocalDS_0").setVmName("app01").build();
        MachineShape shape = new MachineShape(2, 4096, Firmware.BIOS, "rhel7_64Guest");
        String uuid = "50aa0000-0000-0000-0000-000000000001";

        List<VcenterResult> results = List.of(
                handler.handle(Commands.createVm(AlternateLocation.newBuilder(location).setCluster(null).build(), shape, uuid, "job-1", List.of())),
                handler.handle(Commands.createVm(AlternateLocation.newBuilder(location).setFolder(" ").build(), shape, uuid, "job-1", List.of())),
                handler.handle(Commands.createVm(AlternateLocation.newBuilder(location).setVCenter(null).build(), shape, uuid, "job-1", List.of())),
                handler.handle(Commands.createVm(location, new MachineShape(0, 4096, Firmware.BIOS, "rhel7_64Guest"), uuid, "job-1", List.of())),
                handler.handle(Commands.createVm(location, shape, "not-a-uuid", "job-1", List.of())),
                handler.handle(Commands.createVm(location, shape, uuid, " ", List.of())),
                handler.handle(Commands.destroyCreatedVm("vc01", uuid, "")),
                handler.handle(Commands.destroyCreatedVm("vc01", "", "job-1")));

        assertThat(results).extracting(VcenterResult::getCode).containsOnly(VcenterResultCode.INVALID_COMMAND);
        assertThat(results).extracting(VcenterResult::getMessage).containsExactly(
                "the location needs a cluster or a host",
                "a name of the location is blank (leave it out for the default)",
                "the operation names no vCenter",
                "the shape needs a guest id, at least one CPU and some memory",
                "instanceUuid is not a UUID",
                "createdFor is blank",
                "createdFor is blank",
                "instanceUuid is not a UUID");
    }

    @Test
    void shouldKeepPasswordsOutOfTheConfigurationsText() {
        VcenterProperties.Server server = new VcenterProperties.Server("vc01", "https://vc/sdk", "user", "secret-password",
                "/etc/trust.p12", "store-secret", "PKCS12", false, 2, Duration.ofSeconds(5), Duration.ofSeconds(1));

        assertThat(server.toString()).contains("vc01", "user").doesNotContain("secret-password", "store-secret");
    }
}
