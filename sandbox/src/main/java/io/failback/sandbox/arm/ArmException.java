package io.failback.sandbox.arm;

/** An ARM error answer: the HTTP status and the body's {@code code} and {@code message}. */
final class ArmException extends RuntimeException {

    private final int status;
    private final String code;

    ArmException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ArmException resourceNotFound(ArmId id) {
        return new ArmException(404, "ResourceNotFound", "The Resource '" + id.fullType() + "/" + id.name()
                + "' under resource group '" + id.resourceGroup() + "' was not found. For more details please go to"
                + " https://aka.ms/ARMResourceNotFoundFix");
    }

    static ArmException resourceGroupNotFound(ArmId id) {
        return new ArmException(404, "ResourceGroupNotFound", "Resource group '" + id.resourceGroup() + "' could not be found.");
    }
}
