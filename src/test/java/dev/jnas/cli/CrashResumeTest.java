package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A search in a child JVM is killed with SIGKILL mid-run, then resumed. */
class CrashResumeTest {
  @TempDir Path dir;

  @Test
  void resumeAfterKillLosesAndRepeatsNothing() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    // 40 ms per query and concurrency 2, so the kill lands mid-run with trials in flight.
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", 80, 40) + "concurrency: 2\n");
    Path out = dir.resolve("exp");
    Path log = dir.resolve("child.log");
    Process child = ChildJvm.start(log, "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    List<TrialRecord> before = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      if (Files.exists(out.resolve(SqliteTrialStore.FILE_NAME))) {
        try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
          if (s.experiment().isPresent() && s.trials().stream().filter(t -> t.status().isFinished()).count() >= 10) {
            break;
          }
        } catch (RuntimeException notYet) {
          // the child may be creating the schema
        }
      }
    }
    assertThat(child.isAlive()).as("child still running when killed; log: " + ChildJvm.log(log)).isTrue();
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      before = s.trials();
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("RUNNING");
    }
    assertThat(before.stream().filter(t -> t.status().isFinished()).count()).isBetween(10L, 79L);

    var r = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<TrialRecord> after;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      after = s.trials();
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
    assertThat(after).hasSize(80).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
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
}
