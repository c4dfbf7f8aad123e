package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Small training searches with each pruner through the CLI: stopped trials are stored PRUNED with
 * the epochs they trained, {@code jnas show} lists them, the best is a complete trial, a killed
 * search resumes, and bad {@code early_stopping} sections are refused.
 */
class EarlyStoppingCliTest {
  private static final int EPOCHS = 4;
  @TempDir Path dir;

  private static String config(String name, int trials, int concurrency, String earlyStopping) {
    return TinyTrainingConfig.yaml(name, 11, "{train: 700, test: 100, size: 12}", "{batch_size: 50, learning_rate: 0.05}",
        "{max_trials: " + trials + ", epochs: " + EPOCHS + "}", "{retrain: false}")
        + "concurrency: " + concurrency + "\n"
        + "early_stopping: " + earlyStopping + "\n";
  }

  @ParameterizedTest(name = "{0}, concurrency {1}")
  @CsvSource(delimiter = '|', value = {
    "{name: median, params: {startup_trials: 3}} | 1",
    "{name: curve, params: {start_epoch: 3, threshold: 1.0}} | 1",
    "{name: successive_halving, params: {min_epochs: 1, eta: 2}} | 2",
    "{name: hyperband, params: {min_epochs: 1, eta: 2}} | 1",
  })
  void prunedTrialsAreStoredWithTheirEpochsShownAndNeverTheBest(String earlyStopping, int concurrency) throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config("es", 10, concurrency, earlyStopping));
    Path out = dir.resolve("exp");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();

    List<TrialRecord> trials;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      trials = s.trials();
      assertThat(trials).hasSize(10);
      for (TrialRecord t : trials) {
        List<EpochMetrics> epochs = s.epochs(t.id());
        assertThat(t.status()).isIn(TrialStatus.COMPLETE, TrialStatus.PRUNED);
        assertThat(epochs).as("trial %d's stored epochs", t.id()).isEqualTo(t.result().epochs());
        assertThat(epochs.size()).isEqualTo(t.status() == TrialStatus.COMPLETE ? EPOCHS : epochs.size());
        if (t.status() == TrialStatus.PRUNED) {
          assertThat(epochs.size()).isBetween(1, EPOCHS - 1);
        }
      }
    }
    long pruned = trials.stream().filter(t -> t.status() == TrialStatus.PRUNED).count();
    assertThat(pruned).as("%s stopped some trials early", earlyStopping).isPositive();

    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("pruned").asLong()).isEqualTo(pruned);
    assertThat(summary.path("epochs_trained").asLong()).isLessThan(10L * EPOCHS);
    long bestId = summary.path("best").path("trial").asLong();
    assertThat(trials.get((int) bestId).status()).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.out()).contains("pruned " + pruned + ",").contains("early stopping:");

    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    assertThat(show.path("best_trial").asLong()).isEqualTo(bestId);
    assertThat(show.path("config").path("early_stopping").isMissingNode()).isFalse();
    for (JsonNode t : show.path("trials")) {
      if (t.path("status").asText().equals("PRUNED")) {
        int n = t.path("metrics").path("epochs").size();
        assertThat(n).isBetween(1, EPOCHS - 1);
        assertThat(t.path("pruned_after_epoch").asInt()).isEqualTo(n);
      }
    }
    String text = CliRunner.run("show", out.toString()).out();
    assertThat(text).contains(pruned + " pruned by early stopping").contains("PRUNED").contains("(stopped after epoch");
  }

  @Test
  void aKilledSearchWithEarlyStoppingResumesKeepingPrunedTrials() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config("kill", 10, 1, "{name: successive_halving, params: {min_epochs: 1, eta: 2}}"));
    Path out = dir.resolve("exp");
    Process child = ChildJvm.start(dir.resolve("child.log"), "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    // kill once a trial was pruned and a later one has recorded an epoch (so has a checkpoint)
    long running = ChildJvm.killMidTrial(
        child, out, trials -> trials.stream().anyMatch(t -> t.status() == TrialStatus.PRUNED), EPOCHS, 180);
    assertThat(running).as("no trial caught mid-training after a pruned one; log: %s", log()).isNotNegative();
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    List<TrialRecord> before;
    List<EpochMetrics> epochsBefore;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      before = s.trials();
      epochsBefore = s.epochs(running);
    }
    var r = CliRunner.run("resume", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      List<TrialRecord> after = s.trials();
      assertThat(after).hasSize(10).allSatisfy(t -> assertThat(t.status()).isIn(TrialStatus.COMPLETE, TrialStatus.PRUNED));
      Map<Long, TrialRecord> byId = after.stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
      for (TrialRecord b : before) {
        if (b.status().isFinished()) {
          assertThat(byId.get(b.id())).as("finished trial %d unchanged", b.id()).isEqualTo(b);
          assertThat(s.epochs(b.id())).isEqualTo(b.result().epochs());
        }
      }
      // the interrupted trial continued from its checkpoint: its epochs before the kill are kept as
      // they were (wall times included: they were not trained again)
      List<EpochMetrics> epochsAfter = s.epochs(running);
      assertThat(epochsAfter.size()).isGreaterThanOrEqualTo(epochsBefore.size());
      assertThat(epochsAfter.subList(0, epochsBefore.size())).isEqualTo(epochsBefore);
      assertThat(byId.get(running).result().epochs()).isEqualTo(s.epochs(running));
      assertThat(s.experiment().orElseThrow().status()).isEqualTo("FINISHED");
    }
  }

  @Test
  void badEarlyStoppingSectionsAreRefusedWithTheirFieldAndLine() throws IOException {
    assertThat(refused(config("bad", 5, 1, "{name: median, params: {warmup_epochs: 3}}")))
        .contains("c.yaml:").contains("early_stopping.params.warmup_epochs").contains("at most 2");
    assertThat(refused(config("bad", 5, 1, "{name: medain}")))
        .contains("early_stopping.name").contains("'medain' is unknown (valid: median, curve, successive_halving, hyperband)");
    assertThat(refused(config("bad", 5, 1, "{name: curve, params: {treshold: 0.9}}")))
        .contains("early_stopping.params.treshold").contains("valid: start_epoch, threshold");
    assertThat(refused(config("bad", 5, 1, "{name: hyperband, params: {eta: 1}}"))).contains("early_stopping.params.eta");
    // the budget comes from the evaluator's own epochs when budget.epochs is absent
    String evaluatorEpochs = config("bad", 5, 1, "{name: successive_halving, params: {min_epochs: 3}}")
        .replace(", epochs: " + EPOCHS + "}", "}").replace("learning_rate: 0.05}", "learning_rate: 0.05, epochs: 3}");
    assertThat(refused(evaluatorEpochs)).contains("early_stopping.params.min_epochs").contains("at most 2");
    String tabular = ConfigErrorsTest.GOOD + "early_stopping: median\n";
    assertThat(refused(tabular)).contains("early_stopping").contains("reports no epochs");
  }

  private String refused(String yaml) throws IOException {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    Path out = dir.resolve("experiments").resolve("bad");
    CliRunner.Result r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(dir.resolve("experiments")).as("nothing created for bad input").doesNotExist();
    return r.err();
  }

  private String log() {
    return ChildJvm.log(dir.resolve("child.log"));
  }
}
