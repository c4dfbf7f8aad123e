package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code final.tune}: after the search, a grid over learning rate and schedule on the best
 * architecture, stored as an experiment of its own in {@code tune/}; the final retraining uses
 * the best setting, and a search killed during the tuning resumes without repeating a finished
 * tuning trial.
 */
class FinalTuneCliTest {
  @TempDir Path dir;

  static final String TUNE = "{epochs: 1, tune: {parameters: {learning_rate: [0.1, 0.02], schedule: [cosine, step]}, epochs: %d}}";

  private Path config(String synthetic, int tuneEpochs) throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, TinyTrainingConfig.yaml("tune", 6, synthetic, "{batch_size: 64, learning_rate: 0.05}",
        "{max_trials: 2, epochs: 1}", TUNE.formatted(tuneEpochs)));
    return cfg;
  }

  @Test
  void tunesTheBestArchitectureOnAGridAndRetrainsWithTheBestSetting() throws Exception {
    Path cfg = config("{train: 600, test: 200, size: 12}", 1);
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(2);
    assertThat(summary.path("tune").path("trials").asInt()).isEqualTo(4);
    // the tuning trials are an experiment of their own: jnas show reads them
    JsonNode tune = Json.MAPPER.readTree(CliRunner.run("show", out.resolve("tune").toString(), "--json").out());
    assertThat(tune.path("trials")).hasSize(4);
    java.util.Set<String> settings = new java.util.HashSet<>();
    double bestReward = -1;
    for (JsonNode t : tune.path("trials")) {
      settings.add(t.path("architecture").asText());
      bestReward = Math.max(bestReward, t.path("metrics").path("reward").asDouble());
    }
    String best = summary.path("tune").path("best").asText();
    assertThat(settings).containsExactlyInAnyOrder(
        "learning_rate=0.1,schedule=cosine", "learning_rate=0.1,schedule=step",
        "learning_rate=0.02,schedule=cosine", "learning_rate=0.02,schedule=step");
    assertThat(settings).contains(best);
    assertThat(summary.path("tune").path("reward").asDouble()).isEqualTo(bestReward);
    // the main experiment is unchanged: jnas show still lists its own two trials
    JsonNode main = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    assertThat(main.path("trials")).hasSize(2);
    // the final model trained the search's best architecture with the tuned setting
    JsonNode model = Json.MAPPER.readTree(out.resolve("best/model.json").toFile());
    assertThat(model.path("architecture").asText()).isEqualTo(summary.path("best").path("architecture").asText());
    assertThat(best).isEqualTo("learning_rate=" + model.path("training").path("learning_rate").asText()
        + ",schedule=" + model.path("training").path("schedule").asText());
  }

  @Test
  void aSearchKilledDuringTheTuningResumesWithoutRepeatingFinishedTuningTrials() throws Exception {
    Path cfg = config("{train: 2000, test: 200, size: 14}", 3);
    Path out = dir.resolve("exp");
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
            "dev.jnas.cli.Main", "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    Path tuneDir = out.resolve("tune");
    List<TrialRecord> before = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline && child.isAlive() && before.isEmpty()) {
      Thread.sleep(50);
      if (!Files.exists(tuneDir.resolve(SqliteTrialStore.FILE_NAME))) {
        continue;
      }
      try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(tuneDir)) {
        List<TrialRecord> trials = s.trials();
        long finished = trials.stream().filter(t -> t.status().isFinished()).count();
        if (finished >= 1 && finished < 4) {
          child.destroyForcibly(); // SIGKILL, in the middle of the tuning
          before = trials;
        }
      } catch (RuntimeException notYet) {
        // the child may be creating the schema
      }
    }
    assertThat(before).as("the tuning was not caught half done; log: %s",
        Files.exists(dir.resolve("child.log")) ? Files.readString(dir.resolve("child.log")) : "").isNotEmpty();
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(tuneDir)) {
      before = s.trials();
    }
    var r = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<TrialRecord> after;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(tuneDir)) {
      after = s.trials();
    }
    assertThat(after).hasSize(4).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    Map<Long, TrialRecord> byId = after.stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
    for (TrialRecord b : before) {
      if (b.status().isFinished()) {
        // kept as it was, not trained again
        assertThat(byId.get(b.id()).finishedAt()).isEqualTo(b.finishedAt());
        assertThat(byId.get(b.id()).architecture()).isEqualTo(b.architecture());
      }
    }
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("tune").path("trials").asInt()).isEqualTo(4);
    assertThat(out.resolve("best/model.json")).exists();
  }

  @Test
  void badTuningConfigsExitWithTwoNamingTheField() throws Exception {
    record Bad(String tune, String words) {}
    for (Bad b : new Bad[] {
        new Bad("{tune: {parameters: {learning_rate: {log_uniform: [0, 1]}}}}", "'final.tune.parameters.learning_rate.log_uniform' must have low > 0"),
        new Bad("{tune: {parameters: {lr: [0.1]}}}", "'final.tune.parameters.lr' does not reach training"),
        new Bad("{tune: {parameters: {learning_rate: [0.1]}, trails: 3}}", "unknown field 'final.tune.trails'"),
        new Bad("{tune: {parameters: {learning_rate: [0.1]}, strategy: nope}}", "final.tune.strategy"),
        new Bad("{tune: {parameters: {learning_rate: {uniform: [0.01, 0.1]}}}}", "'final.tune.trials' is needed"),
        new Bad("{retrain: false, tune: {parameters: {learning_rate: [0.1]}}}", "final.retrain is false"),
        new Bad("{tune: {learning_rate: [0.1]}}", "'final.tune' must be a mapping with 'parameters'"),
    }) {
      Path cfg = dir.resolve("bad.yaml");
      Files.writeString(cfg, TinyTrainingConfig.yaml("bad", 1, "{train: 300, test: 100, size: 12}", "{batch_size: 64}",
          "{max_trials: 1, epochs: 1}", b.tune()));
      Path out = dir.resolve("bad");
      var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
      assertThat(r.exitCode()).as(b.tune() + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(b.tune()).contains(b.words()).contains("bad.yaml:");
      assertThat(out).doesNotExist();
    }
  }
}
