package io.failback.vcenter.vsphere;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import com.vmware.vim25.LocalizedMethodFault;
import com.vmware.vim25.MethodFault;
import io.failback.messages.VcenterResultCode;

/**
 * Turns what yavijava throws into a named result code and vCenter's message. yavijava either throws
 * the typed fault, or (on Java 17, where its reflection into {@code Throwable} is refused) a
 * RuntimeException that quotes the SOAP fault; both are read here, as are the transport failures.
 */
public final class Faults {

    private static final String UNMAPPED = "Could not map the soap fault from:";
    private static final Pattern FAULT_TYPE = Pattern.compile("xsi:type=\"(?:\\w+:)?(\\w+)\"");
    private static final Pattern FAULT_STRING = Pattern.compile("<faultstring>(.*?)</faultstring>", Pattern.DOTALL);

    private static final Set<String> AUTHENTICATION = Set.of("InvalidLogin", "NotAuthenticated", "NoPermission",
            "InvalidLocale", "PasswordExpired");
    private static final Set<String> NOT_FOUND = Set.of("ManagedObjectNotFound", "NotFound", "FileNotFound",
            "InvalidDatastore", "InvalidDatastorePath");
    private static final Set<String> INVALID_STATE = Set.of("InvalidState", "InvalidPowerState", "TaskInProgress",
            "InvalidHostState", "HostNotConnected", "DisallowedOperationOnFailoverHost", "ConcurrentAccess",
            "InvalidDeviceSpec", "InvalidDeviceOperation", "VmConfigIncompatibleForFaultTolerance",
            // CreateVM_Task's answer to a name taken between the agent's look and its create (issue 12 item 4)
            "DuplicateName", "AlreadyExists");
    private static final Set<String> TIMEOUT = Set.of("Timedout", "RequestCanceled");

    private Faults() {
    }

    /** The result code for a vSphere fault type, e.g. "InvalidPowerState"; {@code otherwise} for the rest. */
    public static VcenterResultCode codeFor(String faultType, VcenterResultCode otherwise) {
        if (AUTHENTICATION.contains(faultType)) {
            return VcenterResultCode.AUTHENTICATION_FAILED;
        }
        if (NOT_FOUND.contains(faultType)) {
            return VcenterResultCode.NOT_FOUND;
        }
        if (INVALID_STATE.contains(faultType)) {
            return VcenterResultCode.INVALID_STATE;
        }
        if (TIMEOUT.contains(faultType)) {
            return VcenterResultCode.TIMEOUT;
        }
        return otherwise;
    }

    /** The named failure for anything a vSphere call threw. */
    public static VcenterFailure classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VcenterFailure f) {
                return f;
            }
            if (t instanceof SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
                return new VcenterFailure(VcenterResultCode.TIMEOUT, "no answer in time: " + t.getMessage(), error);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SSLException || t instanceof SocketException || t instanceof EOFException) {
                return new VcenterFailure(VcenterResultCode.NOT_CONNECTED, t.getClass().getSimpleName() + ": " + t.getMessage(), error);
            }
            if (t instanceof MethodFault fault) {
                String type = fault.getClass().getSimpleName();
                return new VcenterFailure(codeFor(type, VcenterResultCode.TASK_FAILED), message(type, fault.getMessage()), error);
            }
            String text = t.getMessage();
            if (text != null && text.contains(UNMAPPED)) {
                String type = faultType(text);
                return new VcenterFailure(codeFor(type, VcenterResultCode.TASK_FAILED), message(type, faultString(text)), error);
            }
        }
        return new VcenterFailure(VcenterResultCode.TASK_FAILED, error.getClass().getSimpleName() + ": " + error.getMessage(), error);
    }

    /** A failed task's fault, e.g. InvalidPowerState, named by its type. */
    public static VcenterFailure fromTask(String task, LocalizedMethodFault error) {
        if (error == null) {
            return new VcenterFailure(VcenterResultCode.TASK_FAILED, task + " failed without a reason");
        }
        String type = error.getFault() == null ? "MethodFault" : error.getFault().getClass().getSimpleName();
        String text = error.getLocalizedMessage();
        return new VcenterFailure(codeFor(type, VcenterResultCode.TASK_FAILED), task + " failed: " + message(type, text));
    }

    /** True when the session is gone (expired or terminated): log in again and repeat the call. */
    public static boolean sessionExpired(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MethodFault && "NotAuthenticated".equals(t.getClass().getSimpleName())) {
                return true;
            }
            String text = t.getMessage();
            if (text != null && text.contains(UNMAPPED) && "NotAuthenticated".equals(faultType(text))) {
                return true;
            }
        }
        return false;
    }

    static String faultType(String quotedFault) {
        int detail = quotedFault.indexOf("<detail");
        Matcher m = FAULT_TYPE.matcher(detail < 0 ? quotedFault : quotedFault.substring(detail));
        return m.find() ? m.group(1) : "MethodFault";
    }

    static String faultString(String quotedFault) {
        Matcher m = FAULT_STRING.matcher(quotedFault);
        return m.find() ? unescape(m.group(1)) : "";
    }

    private static String message(String type, String text) {
        if (text == null || text.isBlank() || text.equals(type)) {
            return type;
        }
        return type + ": " + text;
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&#39;", "'").replace("&amp;", "&");
    }
}
