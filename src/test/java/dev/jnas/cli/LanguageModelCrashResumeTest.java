package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.data.text.GrammarCorpus;
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
 * ENAS on recurrent cells killed with SIGKILL after a supernet epoch continues on resume from that
 * epoch's checkpoint (shared weights, learning rate, controller) and ends as an uninterrupted run.
 */
class LanguageModelCrashResumeTest {
  private static final int EPOCHS = 3;
  @TempDir Path dir;

  @Test
  void aKilledRecurrentEnasSearchContinuesFromItsLastEpoch() throws Exception {
    GrammarCorpus.write(dir.resolve("g"), 2, 3000, 200, 200);
    String yaml = """
        name: lm-crash
        seed: 9
        space: {name: enas-rnn, params: {nodes: 4}}
        strategy: {name: enas, params: {controller_steps: 3, derive_samples: 4}}
        evaluator:
          type: training
          task: language-model
          data_dir: %s
          training: {embedding: 16, hidden: 16, batch_size: 16, bptt: 20}
        budget: {epochs: %d}
        final: {retrain: false}
        """.formatted(dir.resolve("g"), EPOCHS);
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
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
      assertThat(s.trials().get(0).status()).isEqualTo(TrialStatus.COMPLETE);
      after = s.epochs(0);
    }
    assertThat(after).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(after.subList(0, before.size())).isEqualTo(before);

    Path clean = dir.resolve("clean");
    assertThat(CrashResumeTest.runCli(log, jvm, 120, "search", "--config", cfg.toString(), "--output", clean.toString(), "--quiet")).isZero();
    JsonNode a = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out()).path("one_shot");
    JsonNode b = Json.MAPPER.readTree(CliRunner.run("show", clean.toString(), "--json").out()).path("one_shot");
    assertThat(a.path("derived").asText()).isEqualTo(b.path("derived").asText());
    assertThat(a.path("epochs").get(EPOCHS - 1).path("valid_perplexity"))
        .isEqualTo(b.path("epochs").get(EPOCHS - 1).path("valid_perplexity"));
    assertThat(a.path("epochs").get(EPOCHS - 1).path("baseline")).isEqualTo(b.path("epochs").get(EPOCHS - 1).path("baseline"));
  }
}
