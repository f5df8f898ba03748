package io.failback.sandbox.arm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The emulator's REST contract, spoken to over HTTPS with the JDK's HTTP client (the SDK's own path is in azure-agent). */
class ArmEmulatorIT {

    private static final String SUB = "00000000-0000-0000-0000-000000000001";
    private static final String RG = "failover-rg";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ArmEmulator emulator;
    private static HttpClient client;
    private static int vmCounter;

    @BeforeAll
    static void start() throws Exception {
        emulator = ArmEmulator.builder().operationDuration(Duration.ofMillis(400)).pollRetryAfter(Duration.ofSeconds(1))
                .expectedToken("emulator-token").start();
        client = HttpClient.newBuilder().sslContext(emulator.clientSslContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void noFaults() {
        emulator.faults().clear();
    }

    private static String newVm(ArmPowerState state) {
        String id = ArmId.virtualMachine(SUB, RG, "vm" + (++vmCounter)).toString();
        emulator.seed(VmSpec.of(id).powerState(state).dataDisks(2));
        return id;
    }

    private static HttpResponse<String> call(String method, String pathAndQuery) throws Exception {
        return call(method, pathAndQuery, "Bearer emulator-token");
    }

    private static HttpResponse<String> call(String method, String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.url() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String vmUrl(String id, String suffix) {
        return id + suffix + (suffix.contains("?") ? "&" : "?") + "api-version=" + ArmEmulator.VM_API_VERSION;
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String path(String url) {
        return URI.create(url).getRawPath() + "?" + URI.create(url).getRawQuery();
    }

    @Test
    void shouldServeAVmWithItsInstanceViewToClientsThatTrustItsCertificate() throws Exception {
        String id = newVm(ArmPowerState.RUNNING);

        HttpResponse<String> response = call("GET", vmUrl(id, "?$expand=instanceView"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode vm = body(response);
        assertThat(vm.path("id").asText()).isEqualTo(id);
        assertThat(vm.path("type").asText()).isEqualTo("Microsoft.Compute/virtualMachines");
        assertThat(vm.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(vm.at("/properties/instanceView/statuses/1/code").asText()).isEqualTo("PowerState/running");
        assertThat(vm.at("/properties/storageProfile/osDisk/managedDisk/id").asText()).endsWith("/disks/" + ArmId.parse(id).name() + "_OsDisk_1");
        assertThat(vm.at("/properties/storageProfile/dataDisks").size()).isEqualTo(2);
        assertThat(vm.at("/properties/networkProfile/networkInterfaces/0/id").asText()).contains("/Microsoft.Network/networkInterfaces/");
        assertThat(response.headers().firstValue("x-ms-request-id")).isPresent();

        HttpClient trustsNothingOfOurs = HttpClient.newHttpClient();
        assertThatThrownBy(() -> trustsNothingOfOurs.send(HttpRequest.newBuilder(URI.create(emulator.url() + vmUrl(id, ""))).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void shouldRunPowerOffAsAnAsyncOperationPolledToSuccess() throws Exception {
        String id = newVm(ArmPowerState.RUNNING);

        HttpResponse<String> accepted = call("POST", vmUrl(id, "/powerOff?skipShutdown=false"));

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Retry-After")).contains("1");
        String asyncOperation = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(asyncOperation).startsWith(emulator.url() + "/subscriptions/" + SUB + "/providers/Microsoft.Compute/locations/westeurope/operations/")
                .contains("api-version=" + ArmEmulator.VM_API_VERSION);
        assertThat(location).contains("monitor=true");
        assertThat(emulator.vm(id).orElseThrow().powerState()).isEqualTo(ArmPowerState.STOPPING);
        HttpResponse<String> inProgress = call("GET", path(asyncOperation));
        assertThat(body(inProgress).path("status").asText()).isEqualTo("InProgress");
        assertThat(inProgress.headers().firstValue("Retry-After")).contains("1");
        assertThat(call("GET", path(location)).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(5)).until(() -> body(call("GET", path(asyncOperation))).path("status").asText().equals("Succeeded"));
        assertThat(call("GET", path(location)).statusCode()).isEqualTo(200);
        assertThat(emulator.vm(id).orElseThrow().powerState()).isEqualTo(ArmPowerState.STOPPED);
        assertThat(body(call("GET", vmUrl(id, "/instanceView"))).at("/statuses/1/code").asText()).isEqualTo("PowerState/stopped");
        assertThat(emulator.operationLog().mutationsOf(id)).extracting(LoggedCall::kind).containsExactly(OperationKind.POWER_OFF_VM);
    }

    @Test
    void shouldAnswerArmErrorBodiesWithTheirStatuses() throws Exception {
        String deallocated = newVm(ArmPowerState.DEALLOCATED);
        String missing = ArmId.virtualMachine(SUB, RG, "no-such-vm").toString();
        String missingGroup = ArmId.virtualMachine(SUB, "no-such-rg", "vm").toString();

        assertError(call("GET", vmUrl(missing, "")), 404, "ResourceNotFound");
        assertError(call("GET", vmUrl(missingGroup, "")), 404, "ResourceGroupNotFound");
        assertError(call("POST", vmUrl(deallocated, "/powerOff")), 409, "OperationNotAllowed");
        assertError(call("GET", vmUrl(deallocated, ""), null), 401, "AuthenticationFailed");
        assertError(call("GET", vmUrl(deallocated, ""), "Bearer someone-else"), 401, "InvalidAuthenticationToken");
        assertError(call("GET", deallocated), 400, "MissingApiVersionParameter");
        assertError(call("GET", deallocated + "?api-version=2015-06-15"), 400, "NoRegisteredProviderFound");
        String disk = emulator.vm(deallocated).orElseThrow().disks().get(1);
        assertError(call("DELETE", disk + "?api-version=" + ArmEmulator.DISK_API_VERSION), 409, "OperationNotAllowed");
        String nic = emulator.vm(deallocated).orElseThrow().networkInterfaces().get(0);
        assertError(call("DELETE", nic + "?api-version=" + ArmEmulator.NIC_API_VERSION), 400, "NicInUse");

        assertThat(call("POST", vmUrl(deallocated, "/start")).statusCode()).isEqualTo(202);
        assertError(call("POST", vmUrl(deallocated, "/deallocate")), 409, "Conflict");
        assertThat(emulator.operationLog().mutationsOf(deallocated)).extracting(LoggedCall::kind).containsExactly(OperationKind.START_VM);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(body(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(body(response).at("/error/message").asText()).isNotBlank();
    }

    @Test
    void shouldDeleteAVmLeavingItsDisksAndInterfacesDetachedForDeletion() throws Exception {
        String id = newVm(ArmPowerState.DEALLOCATED);
        ArmEmulator.VmView vm = emulator.vm(id).orElseThrow();

        assertThat(call("DELETE", vmUrl(id, "")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.vm(id).isEmpty());

        assertThat(call("GET", vmUrl(id, "")).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", vmUrl(id, "")).statusCode()).isEqualTo(204);
        String disk = vm.disks().get(0) + "?api-version=" + ArmEmulator.DISK_API_VERSION;
        JsonNode diskBody = body(call("GET", disk));
        assertThat(diskBody.at("/properties/diskState").asText()).isEqualTo("Unattached");
        assertThat(diskBody.has("managedBy")).isFalse();
        assertThat(call("DELETE", disk).statusCode()).isEqualTo(202);
        String nic = vm.networkInterfaces().get(0) + "?api-version=" + ArmEmulator.NIC_API_VERSION;
        assertThat(body(call("GET", nic)).at("/properties/virtualMachine").isMissingNode()).isTrue();
        assertThat(call("DELETE", nic).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).until(() -> !emulator.diskExists(vm.disks().get(0))
                && !emulator.networkInterfaceExists(vm.networkInterfaces().get(0)));
        assertThat(call("DELETE", disk).statusCode()).isEqualTo(204);
    }

    @Test
    void shouldInjectThrottlingServerErrorsAndLatencyBeforeTouchingState() throws Exception {
        String id = newVm(ArmPowerState.RUNNING);
        emulator.faults().throttleNext(2, Duration.ofSeconds(3), OperationKind.DEALLOCATE_VM).failNext(1, OperationKind.DEALLOCATE_VM);

        HttpResponse<String> throttled = call("POST", vmUrl(id, "/deallocate"));
        assertError(throttled, 429, "TooManyRequests");
        assertThat(throttled.headers().firstValue("Retry-After")).contains("3");
        assertError(call("POST", vmUrl(id, "/deallocate")), 429, "TooManyRequests");
        assertError(call("POST", vmUrl(id, "/deallocate")), 500, "InternalServerError");
        assertThat(emulator.vm(id).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(call("POST", vmUrl(id, "/deallocate")).statusCode()).isEqualTo(202);
        assertThat(emulator.operationLog().mutationsOf(id)).hasSize(1);

        emulator.faults().latency(Duration.ofMillis(500), OperationKind.GET_VM);
        long started = System.nanoTime();
        assertThat(call("GET", vmUrl(id, "")).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldDrawFaultRatesFromItsSeedSoThatRunsRepeat() {
        List<Integer> first = statusesAtRate();
        List<Integer> second = statusesAtRate();
        assertThat(first).contains(429, 500, 200).isEqualTo(second);
    }

    private static List<Integer> statusesAtRate() {
        Faults faults = new Faults(42, Duration.ZERO, Duration.ZERO).throttleRate(0.3, Duration.ofSeconds(1)).serverErrorRate(0.3);
        java.util.ArrayList<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(faults.next(OperationKind.GET_VM).map(Faults.Fault::status).orElse(200));
        }
        return statuses;
    }

    @Test
    void shouldEndAnOperationInFailedWhenToldAndLeaveTheVmAsItWas() throws Exception {
        String id = newVm(ArmPowerState.DEALLOCATED);
        emulator.faults().failOperationsNext(1, OperationKind.START_VM);

        HttpResponse<String> accepted = call("POST", vmUrl(id, "/start"));
        String asyncOperation = accepted.headers().firstValue("Azure-AsyncOperation").orElseThrow();

        await().atMost(Duration.ofSeconds(5)).until(() -> body(call("GET", path(asyncOperation))).path("status").asText().equals("Failed"));
        assertThat(body(call("GET", path(asyncOperation))).at("/error/code").asText()).isEqualTo("InternalExecutionError");
        assertThat(emulator.vm(id).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(emulator.vm(id).orElseThrow().provisioningState()).isEqualTo("Failed");
    }

    @Test
    void shouldRunAsItsOwnProcessSeededFromAFileAndPrintAReadyLine(@TempDir Path dir) throws Exception {
        String id = ArmId.virtualMachine(SUB, "demo-rg", "web01").toString();
        Path seeds = Files.writeString(dir.resolve("vms.txt"), "# demo VMs\n" + id + " deallocated dataDisks=2 os=Linux\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ArmEmulatorMain.class.getName(), "--seed-file", seeds.toString(), "--dir", dir.resolve("tls").toString(),
                "--token", "t").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            while (ready != null && !ready.startsWith("ARM emulator ready")) {
                ready = out.readLine();
            }
            assertThat(ready).matches("ARM emulator ready url=https://127\\.0\\.0\\.1:\\d+ truststore=.+");
            String url = ready.replaceAll(".*url=(\\S+).*", "$1");
            Path truststore = Path.of(ready.replaceAll(".*truststore=(\\S+).*", "$1"));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(truststore)) {
                trust.load(in, ArmEmulator.DEFAULT_TRUSTSTORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);

            HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls).build().send(
                    HttpRequest.newBuilder(URI.create(url + vmUrl(id, "?$expand=instanceView"))).header("Authorization", "Bearer t").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body(response).at("/properties/instanceView/statuses/1/code").asText()).isEqualTo("PowerState/deallocated");
            assertThat(body(response).at("/properties/storageProfile/osDisk/osType").asText()).isEqualTo("Linux");
            assertThat(body(response).at("/properties/storageProfile/dataDisks").size()).isEqualTo(2);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
