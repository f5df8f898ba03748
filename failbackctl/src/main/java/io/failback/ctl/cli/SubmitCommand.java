package io.failback.ctl.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.FailbackBroker;
import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.FailbackRequest;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReprotectOptions;
import io.failback.messages.VmAlternateLocation;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code submit}: publishes one failback request, keyed by its request id (which becomes the job id, so
 * the orchestrator accepts it), and prints the job id; with {@code --watch} it follows the job on.
 */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Request the failback of VMs or of a recovery plan and print the job id (alone on stdout).",
            "The job id is the request id: submitting the same --request-id again names the same job, never a second one."})
public final class SubmitCommand extends KafkaCommand {

    /** The orchestrator's rule for request ids. */
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final List<String> WATCH_ONLY = List.of("--until-done", "--timeout", "--wait-for-job", "--plain");

    @Spec
    CommandSpec spec;

    @Option(names = "--vm", paramLabel = "VM", split = ",",
            description = "A VM to fail back (its vmId in the inventory); repeat, or separate with commas.")
    List<String> vms = new ArrayList<>();

    @Option(names = "--plan", paramLabel = "PLAN", description = "A recovery plan to fail back, group by group.")
    String plan;

    @Option(names = "--recovery-point", paramLabel = "KIND", defaultValue = "latest",
            converter = KebabChoice.RecoveryPoints.class, completionCandidates = KebabChoice.RecoveryPoints.class,
            description = "latest (crash-consistent, each VM its own) or latest-app-consistent (a replication group's VMs share one). Default: ${DEFAULT-VALUE}.")
    RecoveryPointKind recoveryPoint;

    @Option(names = "--commit", paramLabel = "POLICY", defaultValue = "manual",
            converter = KebabChoice.CommitPolicies.class, completionCandidates = KebabChoice.CommitPolicies.class,
            description = "manual (wait for 'failbackctl commit'), auto-commit or auto-rollback once every VM is failed back. Default: ${DEFAULT-VALUE}.")
    CommitPolicyKind commit;

    @Option(names = "--commit-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With auto-commit or auto-rollback: how long after every VM is failed back. Default: 0s.")
    Duration commitDelay;

    @Option(names = "--reprotect", description = "Replicate each VM to Azure again after commit (needs --process-server).")
    boolean reprotect;

    @Option(names = "--process-server", paramLabel = "PS", description = "The process server that reprotects the VMs.")
    String processServer;

    @Option(names = "--alternate-location", paramLabel = "VM:LOCATION",
            description = "Fail VM back to a new VM created at LOCATION (the only way for a physical server): "
                    + AlternateLocationOption.FORMAT + ". Repeatable, one per VM.")
    List<String> alternateLocations = new ArrayList<>();

    @Option(names = "--request-id", paramLabel = "ID",
            description = "The request (and job) id: 1 to 128 of A-Z a-z 0-9 . _ : - (default: a new one).")
    String requestId;

    @Option(names = "--requested-by", paramLabel = "NAME", description = "Who asks, for status and audit (default: $USER).")
    String requestedBy;

    @Option(names = "--watch", description = "Follow the job after submitting it, as 'failbackctl watch' does.")
    boolean watch;

    @Mixin
    WatchOptions watchOptions;

    @Mixin
    SigningOptions signing;

    public SubmitCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        OperatorKey key = signing.key(console);
        FailbackRequest request = request(Instant.now());
        if (key != null) {
            // signed, the orchestrator takes the verified operator whatever the field says; it says the same
            request = FailbackRequest.newBuilder(request).setRequestedBy(key.operator()).build();
        }
        FailbackBroker kafka = watch ? connect(Topics.REQUESTS, Topics.STATUS) : connect(Topics.REQUESTS);
        kafka.send(Topics.REQUESTS, request.getRequestId(), request, key);
        console.out().println(request.getRequestId());
        console.out().flush();
        console.err().println("submitted: " + describe(request));
        if (!watch) {
            return ExitCode.OK;
        }
        return Follow.job(console, kafka, request.getRequestId(), watchOptions);
    }

    /** The request these options describe, checked the way the orchestrator will check it. */
    FailbackRequest request(Instant now) {
        Set<String> vmIds = new LinkedHashSet<>();
        for (String vm : vms) {
            String id = vm.trim();
            if (id.isEmpty()) {
                throw bad("--vm needs a VM id (got an empty one)");
            }
            if (!vmIds.add(id)) {
                throw bad("VM " + id + " is given twice");
            }
        }
        if (vmIds.isEmpty() && plan == null) {
            throw bad("nothing to fail back: give --vm VM (repeatable) or --plan PLAN");
        }
        if (!vmIds.isEmpty() && plan != null) {
            throw bad("give either --vm or --plan, not both");
        }
        if (plan != null && plan.isBlank()) {
            throw bad("--plan needs a plan id");
        }
        if (commitDelay != null && commit == CommitPolicyKind.MANUAL) {
            throw bad("--commit-delay applies to --commit auto-commit or auto-rollback only");
        }
        if (commitDelay != null && commitDelay.toSeconds() > Integer.MAX_VALUE) {
            throw bad("--commit-delay is too long");
        }
        if (reprotect && (processServer == null || processServer.isBlank())) {
            throw bad("--reprotect needs --process-server PS");
        }
        if (!reprotect && processServer != null) {
            throw bad("--process-server is used only with --reprotect");
        }
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            throw bad("--request-id must be 1 to 128 of A-Z a-z 0-9 . _ : - (got '" + requestId + "')");
        }
        if (requestedBy != null && requestedBy.isBlank()) {
            throw bad("--requested-by needs a name");
        }
        List<VmAlternateLocation> locations = new ArrayList<>();
        Set<String> located = new LinkedHashSet<>();
        for (String value : alternateLocations) {
            VmAlternateLocation location;
            try {
                location = AlternateLocationOption.parse(value);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            if (!located.add(location.getVmId())) {
                throw bad("--alternate-location for " + location.getVmId() + " is given twice");
            }
            if (plan == null && !vmIds.contains(location.getVmId())) {
                throw bad("--alternate-location names " + location.getVmId() + ", which is not one of the --vm given");
            }
            locations.add(location);
        }
        if (!watch) {
            for (String option : WATCH_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw bad(option + " applies only with --watch");
                }
            }
        }
        return FailbackRequest.newBuilder()
                .setRequestId(requestId != null ? requestId : newRequestId(now))
                .setRequestedBy(requestedBy != null ? requestedBy.trim() : console.user())
                .setRequestedAt(now)
                .setVmIds(new ArrayList<>(vmIds))
                .setPlanId(plan == null ? null : plan.trim())
                .setRecoveryPoint(recoveryPoint)
                .setCommitPolicy(new CommitPolicy(commit, commitDelay == null ? 0 : (int) commitDelay.toSeconds()))
                .setReprotect(reprotect ? new ReprotectOptions(processServer.trim()) : null)
                .setAlternateLocations(locations)
                .build();
    }

    /** "fb-20240501-100000-3f9a1c2b": sortable by time, unique enough for one operator's hand. */
    static String newRequestId(Instant now) {
        return "fb-" + ID_TIME.format(now) + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    private static String describe(FailbackRequest r) {
        String what = r.getPlanId() != null ? "plan " + r.getPlanId() : r.getVmIds().size() + (r.getVmIds().size() == 1 ? " VM" : " VMs");
        String commitText = KebabChoice.kebab(r.getCommitPolicy().getKind())
                + (r.getCommitPolicy().getDelaySeconds() > 0 ? " after " + r.getCommitPolicy().getDelaySeconds() + "s" : "");
        return "job " + r.getRequestId() + " fails back " + what + " to the " + KebabChoice.kebab(r.getRecoveryPoint())
                + " recovery point, commit " + commitText
                + (r.getReprotect() != null ? ", reprotect via " + r.getReprotect().getProcessServer() : "")
                + ", requested by " + r.getRequestedBy();
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
