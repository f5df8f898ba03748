package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline's two kinds of job, through its topology: a plain ping-pong, and a job gated where the orchestrator's
 * VMs wait for others. Results are answered one command at a time, in the order sent, as instant agents would.
 */
class BaselineTest {

    private static final int STEPS = 9;
    private static final int COMMAND = 0;
    private static final int RESULT = 1;
    private static final Baseline.Gates GATES = new Baseline.Gates(STEPS, 7);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> commands;
    private TestOutputTopic<String, byte[]> status;

    @TempDir
    java.nio.file.Path stateDir;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-baseline-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(Baseline.topology(STEPS, 1, 2), p);
        events = driver.createInputTopic(Baseline.EVENTS, new StringSerializer(), new ByteArraySerializer());
        commands = driver.createOutputTopic(Baseline.COMMANDS, new StringDeserializer(), new ByteArrayDeserializer());
        status = driver.createOutputTopic(Baseline.STATUS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldHoldEachVmAtTheGatesOfAFailbackAndStillCompleteEveryStep() {
        // given a gated job of 7 VMs: boot groups of 3, 2 and 2 (a third each, in order)
        Baseline.Gates gates = GATES;
        assertThat(List.of(gates.size(1), gates.size(2), gates.size(3))).containsExactly(3, 2, 2);
        send("START|job-g|7|gated");

        // when every command is answered at once, one at a time, in the order sent
        List<int[]> log = answerAll("job-g"); // {COMMAND or RESULT, vm index, step}, in order

        // then every VM took every step once, and the job completed
        assertThat(log).filteredOn(e -> e[0] == COMMAND).hasSize(7 * STEPS);
        assertThat(completed("job-g")).isTrue();
        // each VM's two preflight checks went out at once, before any answer
        assertThat(last(log, COMMAND, 1, 0)).isLessThan(first(log, RESULT, 0, 0));
        // no VM took its third step before every VM's two checks were answered (the preflight gate)
        assertThat(first(log, COMMAND, 2, 0)).isGreaterThan(last(log, RESULT, 0, 0)).isGreaterThan(last(log, RESULT, 1, 0));
        // no VM of a boot group powered on before every VM of the group before it was powered on
        int powerOn = gates.powerOn();
        for (int group = 2; group <= 3; group++) {
            assertThat(first(log, COMMAND, powerOn, group)).as("group " + group + "'s first power-on")
                    .isGreaterThan(last(log, RESULT, powerOn, group - 1));
        }
        // and no VM took its last step (the delete on commit) before every VM was powered on
        assertThat(first(log, COMMAND, STEPS - 1, 0)).isGreaterThan(last(log, RESULT, powerOn, 0));
    }

    @Test
    void shouldPassAVmThroughThePreflightOnlyWithBothChecksAnsweredAndIgnoreARepeatedAnswer() {
        // given a gated job of one VM, its two checks out
        send("START|job-r|1|gated");
        assertThat(commands.readValuesToList()).hasSize(2);

        // when the first check is answered twice
        send("RESULT|job-r|job-r-vm-0|0");
        send("RESULT|job-r|job-r-vm-0|0");

        // then the VM still waits for its second check
        assertThat(commands.isEmpty()).isTrue();

        // and when the second is answered, it goes on to its third step, once
        send("RESULT|job-r|job-r-vm-0|1");
        send("RESULT|job-r|job-r-vm-0|1");
        assertThat(commands.readValuesToList()).extracting(v -> new String(v, StandardCharsets.UTF_8).split("\\|")[3])
                .containsExactly("2");
    }

    @Test
    void shouldRunAJobNotGatedAsAPingPong() {
        // given a job of 7 VMs, not gated
        send("START|job-p|7");

        // when every command is answered at once, one at a time, in the order sent
        List<int[]> log = answerAll("job-p");

        // then every VM took every step once, the job completed, and the first VM went on past the first step before
        // the last VM's first was answered: nothing waits for other VMs
        assertThat(log).filteredOn(e -> e[0] == COMMAND).hasSize(7 * STEPS);
        assertThat(completed("job-p")).isTrue();
        int firstVmSecondStep = firstIndexOf(log, e -> e[0] == COMMAND && e[1] == 0 && e[2] == 1);
        assertThat(firstVmSecondStep).isLessThan(firstIndexOf(log, e -> e[0] == RESULT && e[1] == 6 && e[2] == 0));
    }

    /**
     * Answers every command, each as soon as it is read, until none is left: the commands and the results as
     * {COMMAND or RESULT, vm index, step}, in the order they happened.
     */
    private List<int[]> answerAll(String job) {
        List<int[]> log = new ArrayList<>();
        java.util.ArrayDeque<String[]> open = new java.util.ArrayDeque<>();
        Map<String, Integer> count = new HashMap<>();
        do {
            for (byte[] value : commands.readValuesToList()) {
                String[] f = new String(value, StandardCharsets.UTF_8).split("\\|");
                assertThat(f[1]).isEqualTo(job);
                log.add(new int[] {COMMAND, index(f[2]), Integer.parseInt(f[3])});
                count.merge(f[2] + "/" + f[3], 1, Integer::sum);
                open.add(f);
            }
            String[] next = open.poll();
            if (next != null) {
                log.add(new int[] {RESULT, index(next[2]), Integer.parseInt(next[3])});
                send("RESULT|" + next[1] + "|" + next[2] + "|" + next[3]);
            }
        } while (!open.isEmpty() || !commands.isEmpty());
        assertThat(count.values()).as("each VM's step sent once").containsOnly(1);
        return log;
    }

    private static int index(String vmId) {
        return Integer.parseInt(vmId.substring(vmId.lastIndexOf('-') + 1));
    }

    /** The first entry of {@code kind} for {@code step} of a VM of boot group {@code group} (0: any), in a job of 7 VMs. */
    private static int first(List<int[]> log, int kind, int step, int group) {
        return firstIndexOf(log, e -> e[0] == kind && e[2] == step && (group == 0 || GATES.group(e[1]) == group));
    }

    private static int last(List<int[]> log, int kind, int step, int group) {
        return lastIndexOf(log, e -> e[0] == kind && e[2] == step && (group == 0 || GATES.group(e[1]) == group));
    }

    private boolean completed(String job) {
        return status.readValuesToList().stream().map(v -> new String(v, StandardCharsets.UTF_8))
                .anyMatch(v -> v.equals("JOB|" + job + "|COMPLETED"));
    }

    private void send(String text) {
        events.pipeInput(text.split("\\|")[1], text.getBytes(StandardCharsets.UTF_8));
    }

    private static int firstIndexOf(List<int[]> sent, java.util.function.Predicate<int[]> p) {
        for (int i = 0; i < sent.size(); i++) {
            if (p.test(sent.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<int[]> sent, java.util.function.Predicate<int[]> p) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (p.test(sent.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
