package io.failback.sandbox.arm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARM requests the way Azure Resource Manager does for virtual machines, managed disks and
 * network interfaces: authentication first, then the injected latency and faults, then the API
 * version, then the operation. Long-running operations answer 202 with {@code Azure-AsyncOperation},
 * {@code Location} and {@code Retry-After}; errors carry ARM's {@code {"error":{"code","message"}}}.
 * Every answered call goes to the operation log before its answer is sent.
 */
final class ArmHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(ArmHandler.class);

    /** An answer, complete before it is logged and sent. */
    private record Answer(int status, Map<String, String> headers, String body) {

        static Answer json(int status, Object body) {
            return new Answer(status, new LinkedHashMap<>(), Representations.JSON.writeValueAsString(body));
        }

        static Answer empty(int status) {
            return new Answer(status, new LinkedHashMap<>(), null);
        }

        static Answer error(ArmException e) {
            return json(e.status(), Representations.error(e.code(), e.getMessage()));
        }
    }

    /** What a request path names: the kind of call, the resource and, for polls, the operation id. */
    private record Route(OperationKind kind, ArmId resource, String subscription, String group, String operationId,
                         String expectedApiVersion) {
    }

    private final ArmModel model;
    private final Faults faults;
    private final OperationLog operationLog;
    private final String baseUrl;
    private final String expectedToken;
    private final AdminEndpoints admin;

    ArmHandler(ArmModel model, Faults faults, OperationLog operationLog, String baseUrl, String expectedToken) {
        this.model = model;
        this.faults = faults;
        this.operationLog = operationLog;
        this.baseUrl = baseUrl;
        this.expectedToken = expectedToken;
        this.admin = new AdminEndpoints(faults, operationLog);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = uri.getRawPath();
            Map<String, String> query = query(uri.getRawQuery());
            if (path.startsWith(AdminEndpoints.PREFIX)) {
                Object body;
                try {
                    body = admin.answer(method, path, query);
                } catch (IllegalArgumentException e) {
                    send(exchange, Answer.json(400, Representations.error("InvalidParameter", String.valueOf(e.getMessage()))));
                    return;
                }
                send(exchange, body == null ? Answer.json(404, Representations.error("NotFound", "No such emulator endpoint."))
                        : Answer.json(200, body));
                return;
            }
            Instant at = model.now();
            List<String> segments = segments(path);
            Route route = route(method, segments, query);
            Answer answer;
            try {
                answer = answer(exchange, method, route, query);
            } catch (ArmException e) {
                answer = Answer.error(e);
            } catch (RuntimeException e) {
                log.warn("ARM emulator failed on {} {}", method, path, e);
                answer = Answer.json(500, Representations.error("InternalServerError", "The emulator failed: " + e));
            }
            String requestId = UUID.randomUUID().toString();
            answer.headers().put("x-ms-request-id", requestId);
            answer.headers().put("x-ms-correlation-request-id",
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("x-ms-client-request-id")).orElse(requestId));
            String resource = route.resource() != null ? route.resource().toString() : path;
            operationLog.add(new LoggedCall(at, method, path, route.kind(), resource, answer.status()));
            send(exchange, answer);
        }
    }

    private Answer answer(HttpExchange exchange, String method, Route route, Map<String, String> query) {
        authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        sleep(faults.latencyOf(route.kind()));
        Optional<Faults.Fault> fault = faults.next(route.kind());
        if (fault.isPresent()) {
            Answer answer = Answer.json(fault.get().status(), Representations.error(fault.get().code(), fault.get().message()));
            if (fault.get().retryAfter() != null) {
                answer.headers().put("Retry-After", Long.toString(seconds(fault.get().retryAfter())));
            }
            return answer;
        }
        if (route.kind() == OperationKind.UNKNOWN) {
            throw unsupported(method, route);
        }
        String apiVersion = query.get("api-version");
        if (apiVersion == null || apiVersion.isEmpty()) {
            throw new ArmException(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (route.expectedApiVersion() != null && !route.expectedApiVersion().equals(apiVersion)) {
            throw new ArmException(400, "NoRegisteredProviderFound", "No registered resource provider found for API version '"
                    + apiVersion + "' and type '" + route.resource().fullType() + "'. The supported api-versions are '"
                    + route.expectedApiVersion() + "'.");
        }
        Duration duration = faults.operationDurationOf(route.kind());
        Faults.Fault failure = route.kind().mutating() ? faults.nextOperationFailure(route.kind()).orElse(null) : null;
        ArmId id = route.resource();
        switch (route.kind()) {
            case GET_VM:
                return render(() -> Representations.virtualMachine(model, vm(id), "instanceView".equalsIgnoreCase(query.get("$expand"))));
            case GET_VM_INSTANCE_VIEW:
                return render(() -> Representations.instanceView(model, vm(id)));
            case LIST_VMS:
                return render(() -> listVms(route));
            case POWER_OFF_VM:
            case DEALLOCATE_VM:
            case START_VM:
                return accepted(model.vmAction(id, route.kind(), apiVersion, duration, failure));
            case DELETE_VM:
                return acceptedOrNoContent(model.deleteVm(id, apiVersion, duration, failure));
            case GET_DISK:
                return render(() -> Representations.disk(model, model.findDisk(id).orElseThrow(() -> notFound(id))));
            case DELETE_DISK:
                return acceptedOrNoContent(model.deleteDisk(id, apiVersion, duration, failure));
            case GET_NETWORK_INTERFACE:
                return render(() -> Representations.networkInterface(model.findNic(id).orElseThrow(() -> notFound(id))));
            case DELETE_NETWORK_INTERFACE:
                return acceptedOrNoContent(model.deleteNic(id, apiVersion, duration, failure));
            case GET_OPERATION_STATUS:
                return operationStatus(route.operationId());
            case GET_OPERATION_RESULT:
                return operationResult(route.operationId());
            default:
                throw unsupported(method, route);
        }
    }

    private interface Body {
        Object build();
    }

    /** Builds a body under the model's lock, so that it shows one moment of the model. */
    private Answer render(Body body) {
        synchronized (model) {
            model.settle();
            return Answer.json(200, body.build());
        }
    }

    private ArmModel.Vm vm(ArmId id) {
        return model.requireVm(id);
    }

    private ArmException notFound(ArmId id) {
        model.requireGroup(id);
        return ArmException.resourceNotFound(id);
    }

    private Representations.Page<Representations.VirtualMachine> listVms(Route route) {
        if (route.group() != null) {
            model.requireGroup(ArmId.virtualMachine(route.subscription(), route.group(), "x"));
        }
        return new Representations.Page<>(model.listVms(route.subscription(), route.group()).stream()
                .map(vm -> Representations.virtualMachine(model, vm, false)).toList());
    }

    private Answer acceptedOrNoContent(Optional<ArmModel.AsyncOp> op) {
        return op.map(this::accepted).orElseGet(() -> Answer.empty(204));
    }

    private Answer accepted(ArmModel.AsyncOp op) {
        Answer answer = Answer.empty(202);
        answer.headers().put("Azure-AsyncOperation", operationUrl(op, false));
        answer.headers().put("Location", operationUrl(op, true));
        answer.headers().put("Azure-AsyncNotification", "Enabled");
        retryAfter(answer);
        return answer;
    }

    private Answer operationStatus(String operationId) {
        synchronized (model) {
            ArmModel.AsyncOp op = model.findOperation(operationId).orElseThrow(() -> operationNotFound(operationId));
            Answer answer = Answer.json(200, Representations.operationStatus(op));
            if (!op.done()) {
                retryAfter(answer);
            }
            return answer;
        }
    }

    private Answer operationResult(String operationId) {
        synchronized (model) {
            ArmModel.AsyncOp op = model.findOperation(operationId).orElseThrow(() -> operationNotFound(operationId));
            if (!op.done()) {
                Answer answer = Answer.empty(202);
                answer.headers().put("Location", operationUrl(op, true));
                retryAfter(answer);
                return answer;
            }
            if ("Failed".equals(op.status)) {
                return Answer.json(500, Representations.error(op.failure.code(), op.failure.message()));
            }
            return Answer.empty(op.kind == OperationKind.POWER_OFF_VM || op.kind == OperationKind.DEALLOCATE_VM
                    || op.kind == OperationKind.START_VM ? 200 : 204);
        }
    }

    private static ArmException operationNotFound(String operationId) {
        return new ArmException(404, "NotFound", "The operation '" + operationId + "' was not found.");
    }

    private String operationUrl(ArmModel.AsyncOp op, boolean monitor) {
        return baseUrl + "/subscriptions/" + op.subscription + "/providers/" + op.namespace + "/locations/" + op.location
                + "/operations/" + op.id + "?p=" + op.id + (monitor ? "&monitor=true" : "") + "&api-version=" + op.apiVersion;
    }

    private void retryAfter(Answer answer) {
        Duration after = faults.pollRetryAfter();
        if (after != null) {
            answer.headers().put("Retry-After", Long.toString(seconds(after)));
        }
    }

    private void authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw new ArmException(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        if (expectedToken != null && !MessageDigest.isEqual(expectedToken.getBytes(StandardCharsets.UTF_8),
                authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
            throw new ArmException(401, "InvalidAuthenticationToken", "The access token is invalid.");
        }
    }

    private static ArmException unsupported(String method, Route route) {
        if (route.resource() != null || route.subscription() != null) {
            return new ArmException(405, "MethodNotAllowed", "The requested resource does not support http method '" + method
                    + "' in this emulator.");
        }
        return new ArmException(404, "InvalidResourceType", "The emulator serves no resource type at this path.");
    }

    // ------------------------------------------------------------------ routing

    private static Route route(String method, List<String> s, Map<String, String> query) {
        List<String> l = s.stream().map(x -> x.toLowerCase(Locale.ROOT)).toList();
        int n = l.size();
        if (n < 2 || !l.get(0).equals("subscriptions")) {
            return unknown(null);
        }
        String sub = s.get(1);
        if (n == 5 && l.get(2).equals("providers") && l.get(3).equals("microsoft.compute") && l.get(4).equals("virtualmachines")) {
            return get(method, OperationKind.LIST_VMS, null, sub, null, null, ArmEmulator.VM_API_VERSION);
        }
        if (n == 8 && l.get(2).equals("providers") && l.get(4).equals("locations") && l.get(6).equals("operations")) {
            OperationKind kind = "true".equalsIgnoreCase(query.get("monitor")) ? OperationKind.GET_OPERATION_RESULT
                    : OperationKind.GET_OPERATION_STATUS;
            return get(method, kind, null, sub, null, s.get(7), null);
        }
        if (n < 7 || !l.get(2).equals("resourcegroups") || !l.get(4).equals("providers")) {
            return unknown(sub);
        }
        String group = s.get(3);
        String type = l.get(5) + "/" + l.get(6);
        if (n == 7 && type.equals("microsoft.compute/virtualmachines")) {
            return get(method, OperationKind.LIST_VMS, null, sub, group, null, ArmEmulator.VM_API_VERSION);
        }
        if (n < 8) {
            return unknown(sub);
        }
        ArmId id = new ArmId(sub, group, s.get(5), s.get(6), s.get(7));
        if (type.equals("microsoft.compute/virtualmachines")) {
            if (n == 8) {
                return getOrDelete(method, OperationKind.GET_VM, OperationKind.DELETE_VM, id, ArmEmulator.VM_API_VERSION);
            }
            if (n == 9) {
                String action = l.get(8);
                if (action.equals("instanceview")) {
                    return get(method, OperationKind.GET_VM_INSTANCE_VIEW, id, sub, group, null, ArmEmulator.VM_API_VERSION);
                }
                OperationKind kind = action.equals("poweroff") ? OperationKind.POWER_OFF_VM
                        : action.equals("deallocate") ? OperationKind.DEALLOCATE_VM
                        : action.equals("start") ? OperationKind.START_VM : OperationKind.UNKNOWN;
                if (!method.equals("POST")) {
                    kind = OperationKind.UNKNOWN;
                }
                return new Route(kind, id, sub, group, null, ArmEmulator.VM_API_VERSION);
            }
        }
        if (n == 8 && type.equals("microsoft.compute/disks")) {
            return getOrDelete(method, OperationKind.GET_DISK, OperationKind.DELETE_DISK, id, ArmEmulator.DISK_API_VERSION);
        }
        if (n == 8 && type.equals("microsoft.network/networkinterfaces")) {
            return getOrDelete(method, OperationKind.GET_NETWORK_INTERFACE, OperationKind.DELETE_NETWORK_INTERFACE, id,
                    ArmEmulator.NIC_API_VERSION);
        }
        return unknown(sub);
    }

    private static Route get(String method, OperationKind kind, ArmId id, String sub, String group, String operationId,
                             String apiVersion) {
        return new Route(method.equals("GET") ? kind : OperationKind.UNKNOWN, id, sub, group, operationId, apiVersion);
    }

    private static Route getOrDelete(String method, OperationKind onGet, OperationKind onDelete, ArmId id, String apiVersion) {
        OperationKind kind = method.equals("GET") ? onGet : method.equals("DELETE") ? onDelete : OperationKind.UNKNOWN;
        return new Route(kind, id, id.subscription(), id.resourceGroup(), null, apiVersion);
    }

    private static Route unknown(String sub) {
        return new Route(OperationKind.UNKNOWN, null, sub, null, null, null);
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    // ------------------------------------------------------------------ sending

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static long seconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
