package io.failback.azure.arm;

import java.io.IOException;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.identity.CredentialUnavailableException;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import io.failback.messages.AzureResultCode;

/**
 * Names what went wrong in an Azure step: ARM's HTTP status decides the result code (404 NOT_FOUND,
 * 409 CONFLICT, 429 THROTTLED once the SDK's retries are spent, 5xx SERVER_ERROR, 401/403
 * AUTHENTICATION_FAILED), and ARM's own error code and message are carried unchanged. Messages come
 * from ARM or from the agent, never from configuration, so they hold no token or password.
 */
public final class ArmFailures {

    /** A named failure: the result code, ARM's error code (empty when ARM gave none) and a message. */
    public record Failure(AzureResultCode code, String armCode, String message) {
    }

    private ArmFailures() {
    }

    public static Failure of(Throwable error) {
        if (error instanceof ManagementException e) {
            ManagementError value = e.getValue();
            String armCode = value != null && value.getCode() != null ? value.getCode() : "";
            String message = value != null && value.getMessage() != null ? value.getMessage() : firstLine(e.getMessage());
            return new Failure(codeOf(status(e)), armCode, message);
        }
        if (error instanceof ClientAuthenticationException || error instanceof CredentialUnavailableException) {
            return new Failure(AzureResultCode.AUTHENTICATION_FAILED, "", firstLine(error.getMessage()));
        }
        if (error instanceof HttpResponseException e) {
            return new Failure(codeOf(status(e)), "", firstLine(e.getMessage()));
        }
        if (error instanceof OperationTimeoutException) {
            return new Failure(AzureResultCode.TIMEOUT, "", error.getMessage());
        }
        if (error instanceof KeptResourceWouldBeDeletedException) {
            return new Failure(AzureResultCode.CONFLICT, "", error.getMessage());
        }
        if (error instanceof IllegalArgumentException) {
            return new Failure(AzureResultCode.INVALID_COMMAND, "", error.getMessage());
        }
        return new Failure(AzureResultCode.FAILED, "", error.getClass().getSimpleName() + ": " + firstLine(error.getMessage()));
    }

    /**
     * ARM's error for an operation that ended {@code Failed} or {@code Canceled}: the {@code error} of the
     * last status poll's body ({@code {"status":"Failed","error":{"code":..,"message":..}}}).
     */
    static ManagementException operationFailed(String what, PollResult<?> last) {
        PollResult.Error error = last == null ? null : last.getError();
        ManagementError armError = error == null ? null : errorIn(error.getResponseBody());
        String message = what + " ended " + (armError == null ? "without success" : armError.getCode() + ": " + armError.getMessage());
        return new ManagementException(message, null, armError != null ? armError
                : new ManagementError("OperationFailed", error != null ? error.getMessage() : message));
    }

    private static ManagementError errorIn(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonReader reader = JsonProviders.createReader(body)) {
            return reader.readObject(object -> {
                ManagementError found = null;
                while (object.nextToken() != JsonToken.END_OBJECT) {
                    String field = object.getFieldName();
                    object.nextToken();
                    if ("error".equals(field)) {
                        found = ManagementError.fromJson(object);
                    } else {
                        object.skipChildren();
                    }
                }
                return found;
            });
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static AzureResultCode codeOf(int status) {
        if (status == 404) {
            return AzureResultCode.NOT_FOUND;
        }
        if (status == 409) {
            return AzureResultCode.CONFLICT;
        }
        if (status == 429) {
            return AzureResultCode.THROTTLED;
        }
        if (status == 401 || status == 403) {
            return AzureResultCode.AUTHENTICATION_FAILED;
        }
        if (status >= 500) {
            return AzureResultCode.SERVER_ERROR;
        }
        return AzureResultCode.FAILED;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
