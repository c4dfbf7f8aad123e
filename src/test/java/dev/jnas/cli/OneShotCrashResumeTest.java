package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-shot search killed with SIGKILL after a supernet epoch continues, on resume, from that
 * epoch's checkpoint: the finished epochs are kept as they were and the search ends as one
 * that was never interrupted would (the same derived architecture, on the CPU).
 */
class OneShotCrashResumeTest {
  private static final int EPOCHS = 3;
  @TempDir Path dir;

  @Test
  void aKilledSupernetSearchContinuesFromItsLastEpoch() throws Exception {
    String yaml = OneShotSearchCliTest.config("crash", "{name: darts, params: {steps_per_epoch: 12}}", "{epochs: " + EPOCHS + "}");
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    Path out = dir.resolve("exp");
    Path log = dir.resolve("child.log");
    List<String> jvm = List.of("-Dai.djl.offline=true", CrashResumeTest.THREADS + "1");
    Process child = CrashResumeTest.startCli(log, jvm, "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    CrashResumeTest.killWhen(child, out, s -> {
      List<TrialRecord> t = s.trials();
      return !t.isEmpty() && !s.epochs(t.get(0).id()).isEmpty();
    }, log);
    List<EpochMetrics> before;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.trials()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo(TrialStatus.RUNNING));
      before = s.epochs(0);
    }
    assertThat(before).isNotEmpty().hasSizeLessThan(EPOCHS);
    assertThat(out.resolve("checkpoints/supernet/checkpoint.bin")).exists();

    assertThat(CrashResumeTest.runCli(log, jvm, 120, "resume", out.toString(), "--quiet")).as(Files.readString(log)).isZero();
    List<EpochMetrics> after;
    TrialRecord done;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
      done = s.trials().get(0);
      after = s.epochs(0);
    }
    assertThat(done.status()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(after).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    // the checkpointed epochs were not trained again: their metrics, wall times included, are kept
    assertThat(after.subList(0, before.size())).isEqualTo(before);

    // an uninterrupted run of the same config derives the same architecture with the same alphas
    Path clean = dir.resolve("clean");
    assertThat(CrashResumeTest.runCli(log, jvm, 120, "search", "--config", cfg.toString(), "--output", clean.toString(), "--quiet")).isZero();
    JsonNode a = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out()).path("one_shot");
    JsonNode b = Json.MAPPER.readTree(CliRunner.run("show", clean.toString(), "--json").out()).path("one_shot");
    assertThat(a.path("derived").asText()).isEqualTo(b.path("derived").asText());
    assertThat(a.path("epochs").get(EPOCHS - 1).path("probabilities")).isEqualTo(b.path("epochs").get(EPOCHS - 1).path("probabilities"));
  }
}
