package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A search in a child JVM is killed with SIGKILL mid-run, then resumed: nothing finished is lost or
 * run again. The static helpers start and kill such children for other tests too.
 */
class CrashResumeTest {
  /** JVM option that sets libtorch's intra-op thread count (read once, when the engine starts). */
  static final String THREADS = "-Dai.djl.pytorch.num_threads=";

  @TempDir Path dir;

  /**
   * Starts {@code jnas ARGS} in a child JVM on this test's class path, with {@code jvmOptions}
   * before the main class; stdout and stderr go to {@code log}.
   */
  static Process startCli(Path log, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.jnas.cli.Main"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Runs {@code jnas ARGS} in a child JVM to its end (at most {@code seconds}); returns its exit code. */
  static int runCli(Path log, List<String> jvmOptions, int seconds, String... args) throws Exception {
    Process child = startCli(log, jvmOptions, args);
    if (!child.waitFor(seconds, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      throw new AssertionError("jnas " + String.join(" ", args) + " still running after " + seconds + " s; log: " + Files.readString(log));
    }
    return child.exitValue();
  }

  /**
   * Waits (at most 60 s) until the experiment in {@code out} holds {@code finished} finished trials,
   * then kills {@code child} with SIGKILL; returns the trials stored at that moment. Fails when
   * the child ended by itself before.
   */
  static List<TrialRecord> killAfterFinished(Process child, Path out, int finished, Path log) throws Exception {
    return killWhen(child, out, s -> finishedTrials(s) >= finished, log);
  }

  /** Like {@link #killAfterFinished}, when {@code ready} holds for the child's store. */
  static List<TrialRecord> killWhen(Process child, Path out, Predicate<SqliteTrialStore> ready, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      Thread.sleep(50);
      if (Files.exists(out.resolve(SqliteTrialStore.FILE_NAME))) {
        try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
          if (s.experiment().isPresent() && ready.test(s)) {
            break;
          }
        } catch (RuntimeException notYet) {
          // the child may be creating the schema
        }
      }
    }
    assertThat(child.isAlive()).as("child still running when killed; log: " + Files.readString(log)).isTrue();
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("RUNNING");
      return s.trials();
    }
  }

  static long finishedTrials(SqliteTrialStore s) {
    return s.trials().stream().filter(t -> t.status().isFinished()).count();
  }

  /** Asks and tells stored after the strategy snapshot: what a resume must replay. */
  static long eventsAfterSnapshot(SqliteTrialStore s) {
    long snapshotSeq;
    try {
      snapshotSeq = s.strategySnapshot().isEmpty() ? 0 : Json.MAPPER.readTree(s.strategySnapshot().get()).path("seq").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s.trials().stream()
        .flatMap(t -> java.util.stream.Stream.of(t.askSeq(), t.tellSeq()))
        .filter(seq -> seq > snapshotSeq)
        .distinct()
        .count();
  }

  /**
   * After a resume: the experiment FINISHED with exactly {@code maxTrials} trials, all COMPLETE,
   * none twice, and every trial stored at the kill kept its architecture, and its result and
   * finish time when it had finished (not run again).
   */
  static void assertResumedWithoutLossOrRepeat(Path out, List<TrialRecord> before, int maxTrials) {
    List<TrialRecord> after;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      after = s.trials();
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
    assertThat(before.stream().filter(t -> t.status().isFinished()).count()).isLessThan(maxTrials);
    // Every trial ran to an end. Two trials training at once draw their initial weights from the
    // process-wide engine seed in whatever order their threads reach it, so on rare runs a tiny
    // network diverges: a training outcome, recorded as such, not something resume did.
    assertThat(after).hasSize(maxTrials).allSatisfy(t -> {
      if (t.status() != TrialStatus.COMPLETE) {
        assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(t.result().error()).startsWith("loss diverged");
      }
    });
    assertThat(after.stream().filter(t -> t.status() == TrialStatus.COMPLETE).count()).isGreaterThan(maxTrials / 2);
    assertThat(after).extracting(TrialRecord::id).doesNotHaveDuplicates();
    Map<Long, TrialRecord> byId = after.stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
    for (TrialRecord b : before) {
      TrialRecord a = byId.get(b.id());
      assertThat(a).as("trial %d kept", b.id()).isNotNull();
      assertThat(a.architecture()).isEqualTo(b.architecture());
      if (b.status().isFinished()) {
        // finished before the kill: not run again
        assertThat(a.finishedAt()).isEqualTo(b.finishedAt());
        assertThat(a.result().reward()).isEqualTo(b.result().reward());
      }
    }
  }

  @Test
  void resumeAfterKillLosesAndRepeatsNothing() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    // 40 ms per query and concurrency 2, so the kill lands mid-run with trials in flight.
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", 80, 40) + "concurrency: 2\n");
    Path out = dir.resolve("exp");
    Path log = dir.resolve("child.log");
    Process child = startCli(log, List.of(), "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    List<TrialRecord> before = killAfterFinished(child, out, 10, log);

    var r = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertResumedWithoutLossOrRepeat(out, before, 80);
  }

  /**
   * REINFORCE on NAS-Bench-201 (tabular), killed with one libtorch thread and resumed with two: the
   * controller continues from its stored weights and adopts the asks stored after its snapshot,
   * so the resume is never refused, whatever the thread count does to its arithmetic.
   */
  @Test
  void reinforceResumesInAJvmWithAnotherThreadCount() throws Exception {
    killAndResumeInAnotherJvm(TabularSearchCliTest.config("reinforce", 60, 40) + "concurrency: 2\n", 1, 2, 12, 60);
  }

  /**
   * REINFORCE on the trainable {@code cell} and {@code nasrl-macro} spaces (tiny networks, tiny
   * synthetic data: a trial takes a fraction of a second), killed with two libtorch threads and
   * resumed with one.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "{name: cell, params: {blocks: 2, ops: [identity, avg_pool_3x3, sep_conv_3x3], cells_per_stack: 1, filters: 4, stacks: 2}}",
      "{name: nasrl-macro, params: {layers: 3, filter_sizes: [1, 3], filters: [4, 8]}}"})
  void reinforceOnTrainedSpacesResumesAfterKill(String space) throws Exception {
    String config = """
        name: rl-trained
        seed: 4
        space: %s
        strategy: {name: reinforce, params: {batch: 3}}
        evaluator:
          type: training
          dataset: synthetic
          synthetic: {train: 200, test: 50, size: 8, channels: 1, classes: 3}
          training: {batch_size: 50}
        budget: {max_trials: 15, epochs: 1}
        concurrency: 2
        final: {retrain: false}
        """.formatted(space);
    killAndResumeInAnotherJvm(config, 2, 1, 5, 15);
  }

  /**
   * Searches {@code config} in a child JVM with {@code searchThreads} libtorch threads, kills it
   * once {@code finished} trials are done and asks and tells were stored after the last strategy
   * snapshot (so the resume replays some), resumes in a child JVM with {@code resumeThreads}, and
   * checks the resume was not refused and lost or repeated nothing.
   */
  private void killAndResumeInAnotherJvm(String config, int searchThreads, int resumeThreads, int finished, int maxTrials)
      throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config);
    Path out = dir.resolve("exp");
    Path log = dir.resolve("search.log");
    Process child =
        startCli(log, List.of(THREADS + searchThreads), "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    List<TrialRecord> before = killWhen(child, out, s -> finishedTrials(s) >= finished && eventsAfterSnapshot(s) > 0, log);

    Path resumeLog = dir.resolve("resume.log");
    int code = runCli(resumeLog, List.of(THREADS + resumeThreads), 120, "resume", out.toString(), "--quiet");
    assertThat(code).as(Files.readString(resumeLog)).isZero();
    assertThat(Files.readString(resumeLog)).doesNotContain("cannot resume");
    assertResumedWithoutLossOrRepeat(out, before, maxTrials);
  }
}
