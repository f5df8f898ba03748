package io.failback.schemas.signing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Who may sign what: the operators with their roles, groups and public keys, and which plans each may fail
 * back (with four-eyes commit per plan). Read from a properties file, one line per operator, per key and per
 * plan rule, so {@code failbackctl keygen} can print the lines to add:
 * <pre>
 * operator.alice = roles=requester; groups=web-team
 * key.alice-1a2b3c4d = operator=alice; public-key=MCowBQYDK2VwAyEA...; not-after=2027-06-30T00:00:00Z
 * plan.web-* = allowed=group:web-team,bob; four-eyes=true
 * </pre>
 * Only the first dot splits a property name, so ids may hold dots; a plan pattern's {@code *} matches any run.
 */
public final class Roster {

    /** What a role lets an operator send. */
    public enum Role { REQUESTER, APPROVER, VIEWER }

    /** What a signed record asks for, and the role it takes. */
    public enum Action {
        SUBMIT(Role.REQUESTER), CANCEL(Role.REQUESTER), COMMIT(Role.APPROVER), RETRY(Role.APPROVER);

        final Role role;

        Action(Role role) {
            this.role = role;
        }

        public Role role() {
            return role;
        }
    }

    /** One public key of an operator; {@code notAfter} null for none. */
    public record Key(String id, String operator, PublicKey publicKey, Instant notAfter, boolean revoked) {
    }

    /**
     * @param shared an identity more than one person acts through (the dashboard's, which has no login): it never
     *               counts as the second pair of eyes of a four-eyes plan
     */
    public record Operator(String id, Set<Role> roles, Set<String> groups, boolean shared) {
    }

    /** Plans matching {@code pattern} may be acted on only by {@code allowed} (operator ids or {@code group:NAME}). */
    public record PlanRule(String pattern, List<String> allowed, boolean fourEyes) {

        boolean matches(String planId) {
            return planId != null && glob(pattern).matcher(planId).matches();
        }
    }

    private final Map<String, Operator> operators;
    private final Map<String, Key> keys;
    private final List<PlanRule> plans;

    private Roster(Map<String, Operator> operators, Map<String, Key> keys, List<PlanRule> plans) {
        this.operators = Map.copyOf(operators);
        this.keys = Map.copyOf(keys);
        this.plans = List.copyOf(plans);
    }

    /** A roster with nobody in it and no plan rule: the unsigned local mode's policy. */
    public static Roster empty() {
        return new Roster(Map.of(), Map.of(), List.of());
    }

    public static Roster load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(reader);
            return parse(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("roster " + file + ": " + e.getMessage(), e);
        }
    }

    /** The roster the properties describe; every line that can't be read is named in the error, none is skipped. */
    public static Roster parse(Properties properties) {
        Map<String, Operator> operators = new LinkedHashMap<>();
        Map<String, Key> keys = new LinkedHashMap<>();
        List<PlanRule> plans = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>();
        properties.stringPropertyNames().forEach(n -> sorted.put(n, properties.getProperty(n)));
        sorted.forEach((name, value) -> {
            int dot = name.indexOf('.');
            String kind = dot < 0 ? name : name.substring(0, dot);
            String id = dot < 0 ? "" : name.substring(dot + 1);
            try {
                switch (kind) {
                    case "operator" -> operators.put(id(id), operator(id, attributes(value)));
                    case "key" -> keys.put(id(id), key(id, attributes(value)));
                    case "plan" -> plans.add(plan(id, attributes(value)));
                    default -> throw new IllegalArgumentException("is none of operator.ID, key.ID, plan.PATTERN");
                }
            } catch (IllegalArgumentException e) {
                problems.add(name + ": " + e.getMessage());
            }
        });
        keys.values().stream().filter(k -> !operators.containsKey(k.operator()))
                .forEach(k -> problems.add("key." + k.id() + ": operator " + k.operator() + " has no operator." + k.operator() + " line"));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Roster(operators, keys, plans);
    }

    public Operator operator(String id) {
        return operators.get(id);
    }

    public Key key(String id) {
        return keys.get(id);
    }

    /** True when the rules of the plan {@code planId} (none: anyone) let {@code operatorId} act on it. */
    public boolean mayActOn(String operatorId, String planId) {
        Operator op = operators.get(operatorId);
        return plans.stream().filter(r -> r.matches(planId)).allMatch(r -> op != null && r.allowed().stream()
                .anyMatch(a -> a.equals(op.id()) || a.startsWith("group:") && op.groups().contains(a.substring("group:".length()))));
    }

    /** True when {@code operatorId} is a shared identity ({@code shared=true}), never a second pair of eyes. */
    public boolean isShared(String operatorId) {
        Operator op = operators.get(operatorId);
        return op != null && op.shared();
    }

    /** True when a rule of the plan asks for four-eyes commit. */
    public boolean fourEyes(String planId) {
        return plans.stream().anyMatch(r -> r.fourEyes() && r.matches(planId));
    }

    /** The two lines a new key adds to the roster (the operator line with {@code roles}, and the key line). */
    public static String linesFor(String operator, String keyId, PublicKey key, String roles) {
        return "operator." + operator + " = roles=" + roles + "\n" + "key." + keyId + " = operator=" + operator + "; public-key="
                + Signatures.encode(key) + "\n";
    }

    private static Operator operator(String id, Map<String, String> a) {
        only(a, "roles", "groups", "shared");
        String shared = a.getOrDefault("shared", "false");
        if (!shared.equals("true") && !shared.equals("false")) {
            throw new IllegalArgumentException("shared is true or false, not '" + shared + "'");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : list(a.get("roles"))) {
            try {
                roles.add(Role.valueOf(r.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("role '" + r + "' is none of requester, approver, viewer");
            }
        }
        return new Operator(id, Set.copyOf(roles), Set.copyOf(list(a.get("groups"))), shared.equals("true"));
    }

    private static Key key(String id, Map<String, String> a) {
        only(a, "operator", "public-key", "not-after", "revoked");
        String operator = a.get("operator");
        if (operator == null || !Signatures.ID.matcher(operator).matches()) {
            throw new IllegalArgumentException("needs operator=ID");
        }
        if (a.get("public-key") == null) {
            throw new IllegalArgumentException("needs public-key=BASE64 (X.509 SubjectPublicKeyInfo of an Ed25519 key)");
        }
        PublicKey publicKey;
        try {
            publicKey = Signatures.publicKey(a.get("public-key"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public-key is not a base64 X.509 Ed25519 public key");
        }
        Instant notAfter;
        try {
            notAfter = a.get("not-after") == null ? null : Instant.parse(a.get("not-after"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not-after must be an ISO-8601 instant such as 2027-06-30T00:00:00Z");
        }
        String revoked = a.getOrDefault("revoked", "false");
        if (!revoked.equals("true") && !revoked.equals("false")) {
            throw new IllegalArgumentException("revoked must be true or false");
        }
        return new Key(id, operator, publicKey, notAfter, revoked.equals("true"));
    }

    private static PlanRule plan(String pattern, Map<String, String> a) {
        only(a, "allowed", "four-eyes");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("needs a plan id or pattern after 'plan.'");
        }
        String fourEyes = a.getOrDefault("four-eyes", "false");
        if (!fourEyes.equals("true") && !fourEyes.equals("false")) {
            throw new IllegalArgumentException("four-eyes must be true or false");
        }
        return new PlanRule(pattern, list(a.get("allowed")), fourEyes.equals("true"));
    }

    private static String id(String id) {
        if (!Signatures.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("the id must be 1 to 128 of A-Z a-z 0-9 . _ : -");
        }
        return id;
    }

    private static Map<String, String> attributes(String value) {
        Map<String, String> a = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not name=value");
            }
            a.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return a;
    }

    private static void only(Map<String, String> a, String... names) {
        List<String> known = Arrays.asList(names);
        a.keySet().stream().filter(n -> !known.contains(n)).findFirst().ifPresent(n -> {
            throw new IllegalArgumentException("unknown attribute '" + n + "' (known: " + known + ")");
        });
    }

    private static List<String> list(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
