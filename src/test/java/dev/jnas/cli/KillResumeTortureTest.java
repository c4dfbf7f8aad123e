package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9, over and over: one search, SIGKILLed {@value #KILLS} times at moments drawn from a
 * seeded generator (some while the JVM starts, opens or creates the store, most while trials run),
 * each time continued by {@code resume} in a new child JVM, which may itself be killed. Every trial
 * seen finished must stay exactly as it was, none may run twice, and the experiment must end with
 * exactly {@code max_trials} finished trials.
 */
class KillResumeTortureTest {
  static final int KILLS = 20;
  /** Per query: with concurrency 2 no run finishes more than 2 * 1000 / DELAY_MS trials a second. */
  static final int DELAY_MS = 20;
  static final double MAX_RATE = 2 * 1000.0 / DELAY_MS;

  @TempDir Path dir;

  /** When to kill: {@code early} counts from the child's start, else from its first write to the store. */
  record Kill(boolean early, long afterMs) {
    /** Most trials a child can finish before this kill (the budget must outlast all kills). */
    long maxTrials() {
      double seconds = early ? Math.max(0, afterMs - 400) / 1e3 : (afterMs + 100) / 1e3; // a JVM needs > 0.4 s to start
      return (long) Math.ceil(seconds * MAX_RATE) + 2; // + the trials in flight
    }
  }

  @Test
  void twentyKillsLoseNothingAndRepeatNothing() throws Exception {
    assertThat(TabularSearchCliTest.NB201).as("NAS-Bench-201 table in ../shared").isRegularFile();
    SplittableRandom rng = new SplittableRandom(20261122);
    List<Kill> kills = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      boolean early = rng.nextInt(10) < 3;
      kills.add(new Kill(early, early ? rng.nextLong(1200) : rng.nextLong(300)));
    }
    // A budget no sequence of these kills can use up, plus a few trials for the last, unkilled run.
    int maxTrials = (int) (kills.stream().mapToLong(Kill::maxTrials).sum() + 20);
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", maxTrials, DELAY_MS) + "concurrency: 2\n");
    Path out = dir.resolve("exp");
    Path wal = out.resolve(SqliteTrialStore.FILE_NAME + "-wal");

    Map<Long, TrialRecord> finished = new HashMap<>();
    int searches = 0;
    List<String> progress = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      Kill kill = kills.get(i);
      boolean created = Files.exists(out.resolve(SqliteTrialStore.FILE_NAME));
      if (!created) {
        searches++;
      }
      FileTime walBefore = Files.exists(wal) ? Files.getLastModifiedTime(wal) : null;
      Path log = dir.resolve("child-" + i + ".log");
      Process child =
          created
              ? ChildJvm.start(log, "resume", out.toString(), "--quiet")
              : ChildJvm.start(log, "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
      if (!kill.early()) {
        // the child has begun to write: it opened (or created) the store and runs trials
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (child.isAlive() && System.nanoTime() < deadline
            && !(Files.exists(wal) && !Files.getLastModifiedTime(wal).equals(walBefore))) {
          Thread.sleep(5);
        }
      }
      boolean exited = child.waitFor(kill.afterMs(), TimeUnit.MILLISECONDS);
      assertThat(exited).as("kill %d: the child ended on its own before its kill (exit %s); log: %s",
          i, exited ? child.exitValue() : "-", ChildJvm.log(log)).isFalse();
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int had = finished.size();
      checkKept(out, finished, "after kill " + i);
      progress.add((kill.early() ? "e" : "r") + kill.afterMs() + ":" + (created ? "" : "S") + (finished.size() - had));
    }

    assertThat(searches).as("kills that landed before the store existed").isLessThan(KILLS);

    long t0 = System.nanoTime();
    var r = CliRunner.run("resume", out.toString(), "--quiet");
    // what each kill interrupted (e/r: early or running kill and its delay in ms, S: a search)
    System.out.printf("torture: max_trials %d, trials finished per killed run %s, last resume %.1f s%n",
        maxTrials, progress, (System.nanoTime() - t0) / 1e9);
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<TrialRecord> all = checkKept(out, finished, "at the end");
    assertThat(all).hasSize(maxTrials).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    assertThat(all).extracting(TrialRecord::id).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, maxTrials).boxed().toList());
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
    // the kills really landed while trials ran: most of the trials were finished by killed runs
    assertThat(finished.size()).as("trials finished before the last kill").isGreaterThan(KILLS);
  }

  /**
   * Every trial seen finished earlier is stored unchanged (not lost, not run again); records the
   * trials finished now. Returns all trials.
   */
  private static List<TrialRecord> checkKept(Path out, Map<Long, TrialRecord> finished, String when) {
    if (!Files.exists(out.resolve(SqliteTrialStore.FILE_NAME))) {
      assertThat(finished).as(when).isEmpty();
      return List.of();
    }
    List<TrialRecord> trials;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      trials = s.trials();
    }
    Map<Long, TrialRecord> now = new HashMap<>();
    trials.forEach(t -> now.put(t.id(), t));
    for (TrialRecord before : finished.values()) {
      TrialRecord t = now.get(before.id());
      assertThat(t).as("%s: trial %d kept", when, before.id()).isNotNull();
      assertThat(t.architecture()).as(when).isEqualTo(before.architecture());
      assertThat(t.seed()).as(when).isEqualTo(before.seed());
      assertThat(t.status()).as(when).isEqualTo(before.status());
      assertThat(t.finishedAt()).as("%s: trial %d not run again", when, before.id()).isEqualTo(before.finishedAt());
      assertThat(t.tellSeq()).as(when).isEqualTo(before.tellSeq());
      assertThat(t.result().reward()).as(when).isEqualTo(before.result().reward());
    }
    trials.stream().filter(t -> t.status().isFinished()).forEach(t -> finished.put(t.id(), t));
    return trials;
  }
}
