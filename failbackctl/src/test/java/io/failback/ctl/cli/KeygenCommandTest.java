package io.failback.ctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.failback.ctl.ExitCode;
import io.failback.ctl.FailbackCtl;
import io.failback.schemas.signing.OperatorKey;
import io.failback.schemas.signing.Roster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code failbackctl keygen} and the signing options, which act before any broker is contacted. */
class KeygenCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(Map<String, String> env, String... args) {
        Console console = new Console(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC);
        return FailbackCtl.run(args, console);
    }

    @Test
    void shouldWriteAPrivateKeyOnlyItsOwnerReadsAndPrintTheRosterLinesWithoutIt() throws Exception {
        // when
        int code = run(Map.of(), "keygen", "--operator", "ops.bob", "--out", dir.toString(), "--roles", "approver");

        // then the key file is mode 600 and holds a key the roster's public key matches
        assertThat(code).isEqualTo(ExitCode.OK);
        List<Path> files = Files.list(dir).toList();
        assertThat(files).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).matches("ops\\.bob-[0-9a-f]{8}\\.key"));
        Path file = files.get(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Properties lines = new Properties();
        lines.load(new StringReader(out.toString(StandardCharsets.UTF_8)));
        Roster roster = Roster.parse(lines);
        OperatorKey key = OperatorKey.read("ops.bob", file);
        assertThat(roster.operator("ops.bob").roles()).containsExactly(Roster.Role.APPROVER);
        assertThat(roster.key(key.keyId()).operator()).isEqualTo("ops.bob");
        // and nothing printed holds the private key
        String privateBase64 = Base64.getEncoder().encodeToString(key.privateKey().getEncoded());
        assertThat(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8))
                .doesNotContain(privateBase64).doesNotContain(privateBase64.substring(20, 44)).doesNotContain("PRIVATE KEY");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("FAILBACK_OPERATOR=ops.bob", "FAILBACK_OPERATOR_KEY=" + file);
    }

    @Test
    void shouldRefuseARoleTheRosterDoesNotKnowBeforeWritingAnyFile() throws Exception {
        int code = run(Map.of(), "keygen", "--operator", "bob", "--out", dir.toString(), "--roles", "root");

        assertThat(code).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("role 'root'");
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void shouldRefuseAKeyFileWithoutItsOperatorAndAnUnreadableKeyBeforeContactingTheBroker() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("bob-1.key"), "not a key");

        int withoutOperator = run(Map.of("FAILBACK_BOOTSTRAP_SERVERS", "nowhere:1"), "commit", "job-1", "--key-file", notAKey.toString());
        int unreadable = run(Map.of("FAILBACK_OPERATOR", "bob", "FAILBACK_OPERATOR_KEY", notAKey.toString(),
                "FAILBACK_BOOTSTRAP_SERVERS", "nowhere:1"), "cancel", "job-1");

        assertThat(withoutOperator).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(unreadable).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a key file needs its operator")
                .contains("holds no Ed25519 private key").doesNotContain("not a key");
    }
}
