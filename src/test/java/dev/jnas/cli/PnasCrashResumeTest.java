package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.store.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PNAS in a child JVM with two libtorch threads, killed with SIGKILL within level 2 (after the
 * predictor chose it, with asks and tells stored after the last snapshot), resumed in a child JVM
 * with one thread: the resume refits the predictor, adopts the stored asks, and loses or repeats
 * nothing.
 */
class PnasCrashResumeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "lstm"})
  void resumesAfterAKillWithinALevel(String predictor) throws Exception {
    String space =
        "{name: cell, params: {blocks: 3, ops: [identity, max_pool_3x3], filters: 4, stacks: 1, cells_per_stack: 1,"
            + " progressive: true}}";
    String config =
        PnasSearchCliTest.config(space, "{name: pnas, params: {k: 3, predictor: " + predictor + ", epochs: 20, hidden: 8}}")
            .replace("max_trials: 100", "max_trials: 16") // 10 one-block cells, then 3 + 3: PNAS's own end
            + "concurrency: 2\n";
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config);
    Path out = dir.resolve("exp");
    Path log = dir.resolve("search.log");
    Process child = CrashResumeTest.startCli(
        log, List.of(CrashResumeTest.THREADS + 2), "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    List<TrialRecord> before = CrashResumeTest.killWhen(
        child, out, s -> CrashResumeTest.finishedTrials(s) >= 11 && CrashResumeTest.eventsAfterSnapshot(s) > 0, log);
    assertThat(before).as("killed within level 2").hasSizeGreaterThan(10);

    Path resumeLog = dir.resolve("resume.log");
    int code = CrashResumeTest.runCli(resumeLog, List.of(CrashResumeTest.THREADS + 1), 120, "resume", out.toString(), "--quiet");
    assertThat(code).as(Files.readString(resumeLog)).isZero();
    assertThat(Files.readString(resumeLog)).doesNotContain("cannot resume");
    CrashResumeTest.assertResumedWithoutLossOrRepeat(out, before, 16);
  }
}
