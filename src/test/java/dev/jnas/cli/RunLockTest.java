package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.store.ExperimentLock;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process per experiment: while a search runs in another JVM, a second resume or search on its
 * folder is refused; show and list tell the live run from one whose process was killed.
 */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aRunningExperimentIsRefusedAKilledOneIsInterruptedAndResumes() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TabularSearchCliTest.config("evolution", 60, 50));
    Path out = dir.resolve("runs").resolve("exp");
    Path log = dir.resolve("child.log");
    Process child = ChildJvm.start(log, "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!running(out) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(child.isAlive()).as(ChildJvm.log(log)).isTrue();
      assertThat(ExperimentLock.isHeld(out)).isTrue();

      var resume = CliRunner.run("resume", out.toString(), "--quiet");
      assertThat(resume.exitCode()).isEqualTo(2);
      assertThat(resume.err()).contains("experiment folder " + out + " is in use by process " + child.pid() + "@")
          .contains("jnas resume " + out);
      var search = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
      assertThat(search.exitCode()).isEqualTo(2);
      assertThat(search.err()).contains("is in use by another jnas process");

      var show = CliRunner.run("show", out.toString());
      assertThat(show.exitCode()).as(show.err()).isZero();
      assertThat(show.out()).contains("experiment nb201: RUNNING").doesNotContain("resume with");
      assertThat(CliRunner.run("list", out.getParent().toString()).out()).containsPattern("nb201 +RUNNING");
    } finally {
      child.destroyForcibly(); // SIGKILL: the OS drops the lock with the process
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(ExperimentLock.isHeld(out)).isFalse();
    var show = CliRunner.run("show", out.toString());
    assertThat(show.out()).contains("experiment nb201: INTERRUPTED").contains("resume with: jnas resume " + out);
    JsonNode json = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    assertThat(json.path("status").asText()).isEqualTo("INTERRUPTED");
    assertThat(json.path("stored_status").asText()).isEqualTo("RUNNING");
    assertThat(CliRunner.run("list", out.getParent().toString()).out()).containsPattern("nb201 +INTERRUPTED");

    var resume = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(resume.exitCode()).as(resume.err()).isZero();
    assertThat(CliRunner.run("show", out.toString()).out()).contains("experiment nb201: FINISHED, 60 trials");
  }

  private static boolean running(Path out) {
    if (!Files.exists(out.resolve(SqliteTrialStore.FILE_NAME))) {
      return false;
    }
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      return s.experiment().orElseThrow().status().equals("RUNNING") && s.trials().stream().anyMatch(t -> t.status().isFinished());
    }
  }
}
