package io.failback.schemas.signing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.failback.messages.ReasonCode;
import io.failback.schemas.LogSafe;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Decides whether a signed record may act: its four headers present once each and within bounds, its operator
 * in the roster, its key theirs, known, not revoked and not past its date, its signature valid over exactly the
 * bytes written, its signing time within the allowed skew of now, and the operator's role (and the plan's rule,
 * for a request naming a plan) allowing what it asks. Anything else is a {@link Verdict} with a named reason.
 */
public final class SignatureCheck {

    /** The operator a record was verified to come from, or why not (then {@code operator} is the claim, escaped, or null). */
    public record Verdict(String operator, long signedAt, ReasonCode refusal, String message) {

        public boolean ok() {
            return refusal == null;
        }

        static Verdict refused(String claimed, ReasonCode code, String message) {
            return new Verdict(claimed, 0, code, message);
        }
    }

    private final Roster roster;
    private final Duration maxSkew;

    public SignatureCheck(Roster roster, Duration maxSkew) {
        if (maxSkew.isNegative() || maxSkew.isZero()) {
            throw new IllegalArgumentException("the signing skew must be positive (got " + maxSkew + ")");
        }
        this.roster = roster;
        this.maxSkew = maxSkew;
    }

    public Roster roster() {
        return roster;
    }

    /** The verdict on the record {@code value} (its bytes as read) under {@code key} on {@code topic}, asking {@code action}. */
    public Verdict verify(String topic, String key, byte[] value, Headers headers, Roster.Action action, String planId, long now) {
        int present = 0;
        String[] read = new String[Signatures.HEADERS.length];
        for (int i = 0; i < read.length; i++) {
            String name = Signatures.HEADERS[i];
            Header[] all = headers == null ? new Header[0] : toArray(headers.headers(name));
            if (all.length == 0) {
                continue;
            }
            present++;
            if (all.length > 1) {
                return Verdict.refused(null, ReasonCode.BAD_SIGNATURE, "header " + name + " appears " + all.length + " times");
            }
            byte[] bytes = all[0].value();
            if (bytes == null || bytes.length == 0 || bytes.length > Signatures.MAX_HEADER_BYTES) {
                return Verdict.refused(null, ReasonCode.BAD_SIGNATURE, "header " + name + " is empty or longer than "
                        + Signatures.MAX_HEADER_BYTES + " bytes (" + (bytes == null ? 0 : bytes.length) + ")");
            }
            read[i] = new String(bytes, StandardCharsets.US_ASCII);
        }
        if (present == 0) {
            return Verdict.refused(null, ReasonCode.UNSIGNED, "no signature: sign with failbackctl --key-file (or FAILBACK_OPERATOR_KEY)");
        }
        for (int i = 0; i < read.length; i++) {
            if (read[i] == null) {
                return Verdict.refused(null, ReasonCode.UNSIGNED, "header " + Signatures.HEADERS[i] + " is missing");
            }
        }
        String operator = read[0];
        String keyId = read[1];
        if (!Signatures.ID.matcher(operator).matches() || !Signatures.ID.matcher(keyId).matches()) {
            // not quoted: neither is an id, and escaping what may be binary would only make the reason long
            return Verdict.refused(null, ReasonCode.BAD_SIGNATURE, "operator or key id outside 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        Roster.Operator op = roster.operator(operator);
        if (op == null) {
            return Verdict.refused(operator, ReasonCode.UNKNOWN_OPERATOR, "operator " + operator + " is not in the roster");
        }
        Roster.Key k = roster.key(keyId);
        if (k == null || !k.operator().equals(operator)) {
            return Verdict.refused(operator, ReasonCode.UNKNOWN_KEY, "key " + keyId + " is not one of " + operator + "'s in the roster");
        }
        if (k.revoked()) {
            return Verdict.refused(operator, ReasonCode.UNKNOWN_KEY, "key " + keyId + " of " + operator + " is revoked");
        }
        if (k.notAfter() != null && now > k.notAfter().toEpochMilli()) {
            return Verdict.refused(operator, ReasonCode.UNKNOWN_KEY, "key " + keyId + " of " + operator + " expired at " + k.notAfter());
        }
        long signedAt;
        byte[] signature;
        try {
            signedAt = Long.parseLong(read[2]);
            signature = Base64.getDecoder().decode(read[3]);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(operator, ReasonCode.BAD_SIGNATURE, "signed-at is not a number of milliseconds or the signature not base64");
        }
        if (!Signatures.valid(k.publicKey(), Signatures.canonical(topic, key, value, operator, keyId, signedAt), signature)) {
            return Verdict.refused(operator, ReasonCode.BAD_SIGNATURE, "the signature of " + operator + " with key " + keyId
                    + " does not match this record");
        }
        if (Math.abs(now - signedAt) > maxSkew.toMillis()) {
            return Verdict.refused(operator, ReasonCode.SIGNATURE_EXPIRED, "signed at " + Instant.ofEpochMilli(signedAt)
                    + ", more than " + maxSkew.toSeconds() + " s from the orchestrator's clock (" + Instant.ofEpochMilli(now) + ")");
        }
        if (!op.roles().contains(action.role())) {
            return Verdict.refused(operator, ReasonCode.NOT_PERMITTED, operator + " has roles " + op.roles() + "; "
                    + action + " takes the role " + action.role());
        }
        if (action == Roster.Action.SUBMIT && !roster.mayActOn(operator, planId)) {
            return Verdict.refused(operator, ReasonCode.NOT_PERMITTED, "the roster's plan rules don't let " + operator
                    + " fail back plan " + LogSafe.of(planId, 128));
        }
        return new Verdict(operator, signedAt, null, null);
    }

    private static Header[] toArray(Iterable<Header> headers) {
        java.util.List<Header> list = new java.util.ArrayList<>();
        headers.forEach(list::add);
        return list.toArray(new Header[0]);
    }
}
