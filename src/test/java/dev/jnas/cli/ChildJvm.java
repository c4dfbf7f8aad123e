package dev.jnas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs {@code jnas} in a child JVM on the test class path, its output going to a log file (crash tests). */
final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code jnas args...}; {@link Process#destroyForcibly()} then is a SIGKILL. */
  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", // short-lived children: C1 only starts faster
        "-cp", System.getProperty("java.class.path"),
        "dev.jnas.cli.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** The child's output so far, for assertion messages. */
  static String log(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * Polls the experiment in {@code out} until {@code ready} holds for its trials and a RUNNING
   * trial has recorded at least one but fewer than {@code epochs} epochs (so it has a checkpoint),
   * then SIGKILLs {@code child}.
   *
   * @return the id of that trial, or -1 when the child ended or {@code seconds} passed first
   */
  static long killMidTrial(Process child, Path out, Predicate<List<TrialRecord>> ready, int epochs, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline && child.isAlive()) {
      Thread.sleep(50);
      if (!Files.exists(out.resolve(SqliteTrialStore.FILE_NAME))) {
        continue;
      }
      try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
        List<TrialRecord> trials = s.trials();
        if (!ready.test(trials)) {
          continue;
        }
        for (TrialRecord t : trials) {
          int e = s.epochs(t.id()).size();
          if (t.status() == TrialStatus.RUNNING && e >= 1 && e < epochs) {
            child.destroyForcibly(); // SIGKILL
            return t.id();
          }
        }
      } catch (RuntimeException notYet) {
        // the child may be creating the schema
      }
    }
    return -1;
  }
}
