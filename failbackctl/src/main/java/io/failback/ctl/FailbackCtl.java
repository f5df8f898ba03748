package io.failback.ctl;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import io.failback.ctl.cli.AuditCommand;
import io.failback.ctl.cli.BrokerOptions;
import io.failback.ctl.cli.Console;
import io.failback.ctl.cli.ControlCommands;
import io.failback.ctl.cli.JobsCommand;
import io.failback.ctl.cli.KeygenCommand;
import io.failback.ctl.cli.SigningOptions;
import io.failback.ctl.cli.RetryCommand;
import io.failback.ctl.cli.ShowCommand;
import io.failback.ctl.cli.SubmitCommand;
import io.failback.ctl.cli.WatchCommand;
import io.failback.schemas.TrustedMessages;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The operator's and scripts' command line for failback jobs: it publishes requests and control
 * commands and reads the orchestrator's status topic, nothing else.
 *
 * <pre>
 * failbackctl submit (--vm VM [--vm VM]... | --plan PLAN) [--recovery-point latest|latest-app-consistent]
 *                    [--commit manual|auto-commit|auto-rollback [--commit-delay DURATION]]
 *                    [--reprotect --process-server PS] [--request-id ID] [--requested-by NAME]
 *                    [--watch [--until-done] [--timeout DURATION] [--wait-for-job DURATION] [--plain]]
 * failbackctl watch JOB [--until-done] [--timeout DURATION] [--wait-for-job DURATION] [--plain]
 * failbackctl commit JOB | cancel JOB [--requested-by NAME]
 * failbackctl jobs [--output text|json|csv]
 * failbackctl show JOB [--output text|json|csv]
 * failbackctl audit JOB [--vm VM] [--output text|json|csv]
 * failbackctl keygen --operator ID --out DIR [--roles requester,approver]
 * submit, commit, cancel, retry: [--operator ID --key-file FILE] (else $FAILBACK_OPERATOR, $FAILBACK_OPERATOR_KEY) to sign
 * every command: [--bootstrap-servers HOST:PORT] [--kafka-config FILE] [--connect-timeout DURATION]
 * exit codes: see {@link ExitCode}
 * </pre>
 */
@Command(name = "failbackctl", mixinStandardHelpOptions = true, versionProvider = FailbackCtl.Version.class,
        description = "Submit, follow, commit, cancel, list, show and audit failback jobs (VMware VMs from Azure back to vCenter).",
        footerHeading = "%nEnvironment:%n",
        footer = {"  " + BrokerOptions.ENV_BOOTSTRAP + "  default --bootstrap-servers (else " + BrokerOptions.DEFAULT_BOOTSTRAP + ")",
            "  " + BrokerOptions.ENV_KAFKA_CONFIG + "       default --kafka-config (TLS certificate, truststore)",
            "  USER                        default --requested-by",
            "  " + SigningOptions.ENV_OPERATOR + "           default --operator (who signs)",
            "  " + SigningOptions.ENV_KEY + "       default --key-file (the operator's private key file)",
            "%nRun 'failbackctl COMMAND --help' for a command's options."})
public final class FailbackCtl implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        TrustedMessages.ensureTrusted();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(args, new Console(System.getenv(), out, System.err, System.console() != null, ZoneId.systemDefault())));
    }

    /** Runs one command line and returns its exit code; every failure becomes a message on stderr, never a stack trace. */
    public static int run(String[] args, Console console) {
        TrustedMessages.ensureTrusted();
        CommandLine cl = new CommandLine(new FailbackCtl());
        cl.addSubcommand(new SubmitCommand(console));
        cl.addSubcommand(new WatchCommand(console));
        cl.addSubcommand(new ControlCommands.Commit(console));
        cl.addSubcommand(new ControlCommands.Cancel(console));
        cl.addSubcommand(new RetryCommand(console));
        cl.addSubcommand(new JobsCommand(console));
        cl.addSubcommand(new ShowCommand(console));
        cl.addSubcommand(new AuditCommand(console));
        cl.addSubcommand(new KeygenCommand(console));
        Map<String, String> exitCodes = exitCodeHelp();
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
        cl.getSubcommands().values().forEach(sub -> {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
            sub.getCommandSpec().versionProvider(new Version());
        });
        cl.setOut(new PrintWriter(console.out(), true));
        cl.setErr(new PrintWriter(console.err(), true));
        cl.setParameterExceptionHandler(FailbackCtl::badArguments);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd));
        int code = cl.execute(args);
        console.out().flush();
        console.err().flush();
        return code;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is needed: submit, watch, commit, cancel, retry, jobs, show, audit or keygen");
    }

    private static Map<String, String> exitCodeHelp() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCode.HELP) {
            int colon = line.indexOf(':');
            codes.put("  " + line.substring(0, colon), line.substring(colon + 1));
        }
        return codes;
    }

    private static int badArguments(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCode.BAD_ARGUMENTS;
    }

    private static int failed(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (e instanceof CtlException) {
            err.println("failbackctl: " + e.getMessage());
            err.flush();
            return ((CtlException) e).exitCode();
        }
        if (e instanceof KafkaException) {
            err.println("failbackctl: Kafka client error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            err.flush();
            return ExitCode.BROKER_UNREACHABLE;
        }
        err.println("failbackctl: unexpected error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        err.flush();
        return ExitCode.UNEXPECTED;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FailbackCtl.class.getPackage().getImplementationVersion();
            return new String[] {"failbackctl " + (v == null ? "(development build)" : v)};
        }
    }
}
