package dev.jnas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caller evaluates: ask() / tell() / fail(), persisted in the experiment's store and resumable. */
class AskTellTest {
  @TempDir Path dir;

  private ExperimentBuilder builder(Path folder, int trials) {
    return Experiment.builder()
        .name("asktell")
        .folder(folder)
        .seed(11)
        .space("nasbench201")
        .strategy("evolution", Map.of("population", 6, "sample", 3))
        .maxTrials(trials);
  }

  /** The caller's objective: how many 3x3 convolutions the cell has (0..6). */
  static double convs(Trial t) {
    return t.decisions().values().stream().filter(v -> v.equals("nor_conv_3x3")).count();
  }

  @Test
  void askTellRunsTheBudgetAndRecordsEverything() throws Exception {
    Path folder = dir.resolve("e");
    List<Trial> told = new ArrayList<>();
    try (Experiment e = builder(folder, 30).create()) {
      Optional<Trial> t;
      while ((t = e.ask()).isPresent()) {
        Trial trial = t.get();
        assertThat(trial.status()).isEqualTo(TrialStatus.RUNNING);
        assertThat(trial.decisions()).hasSize(6);
        assertThat(trial.string()).isEqualTo(e.space().encode(trial.architecture()));
        told.add(e.tell(trial, convs(trial)));
      }
      assertThat(told).hasSize(30);
      assertThat(e.status()).isEqualTo(Experiment.Status.FINISHED);
      assertThat(e.trials()).extracting(Trial::status).containsOnly(TrialStatus.COMPLETE);
      Trial best = e.best().orElseThrow();
      assertThat(best.reward().orElseThrow()).isEqualTo(told.stream().mapToDouble(AskTellTest::convs).max().orElseThrow());
      // evolution learns from what it is told: later trials have more convolutions than the first ones
      double early = told.subList(0, 6).stream().mapToDouble(AskTellTest::convs).average().orElseThrow();
      double late = told.subList(24, 30).stream().mapToDouble(AskTellTest::convs).average().orElseThrow();
      assertThat(late).isGreaterThan(early);
    }
    JsonNode summary = Json.MAPPER.readTree(folder.resolve("summary.json").toFile());
    assertThat(summary.path("trials").asInt()).isEqualTo(30);
    assertThat(folder.resolve("best/architecture.json")).isRegularFile();
  }

  @Test
  void untoldTrialsComeBackAfterReopeningWithTheirIdsAndSeeds() {
    Path folder = dir.resolve("e");
    List<Trial> outstanding = new ArrayList<>();
    try (Experiment e = builder(folder, 12).create()) {
      for (int i = 0; i < 5; i++) {
        Trial t = e.ask().orElseThrow();
        if (i < 3) {
          e.tell(t, convs(t));
        } else {
          outstanding.add(t);
        }
      }
    } // the program stops with two trials never told
    try (Experiment e = builder(folder, 12).open()) {
      assertThat(e.status()).isIn(Experiment.Status.RUNNING, Experiment.Status.INTERRUPTED);
      for (Trial before : outstanding) {
        Trial again = e.ask().orElseThrow();
        assertThat(again.id()).isEqualTo(before.id());
        assertThat(again.seed()).isEqualTo(before.seed());
        assertThat(again.string()).isEqualTo(before.string());
        e.tell(again, convs(again));
      }
      Optional<Trial> t;
      while ((t = e.ask()).isPresent()) {
        e.fail(t.get(), "out of budget in the caller's lab");
      }
      List<Trial> all = e.trials();
      assertThat(all).hasSize(12);
      assertThat(new HashSet<>(all.stream().map(Trial::id).toList())).hasSize(12);
      assertThat(all.stream().filter(x -> x.status() == TrialStatus.FAILED)).hasSize(7)
          .allSatisfy(x -> assertThat(x.result().error()).isEqualTo("out of budget in the caller's lab"));
      assertThat(e.status()).isEqualTo(Experiment.Status.FINISHED);
    }
  }

  @Test
  void sameSeedSameTrials() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (List<String> out : List.of(a, b)) {
      try (Experiment e = builder(dir.resolve("run" + out.hashCode() + System.nanoTime()), 15).create()) {
        Optional<Trial> t;
        while ((t = e.ask()).isPresent()) {
          out.add(t.get().string());
          e.tell(t.get(), convs(t.get()));
        }
      }
    }
    assertThat(a).hasSize(15).isEqualTo(b);
  }

  @Test
  void tellingWhatWasNotAskedIsRefused() {
    try (Experiment e = builder(dir.resolve("e"), 5).create()) {
      Trial t = e.ask().orElseThrow();
      e.tell(t, 1.0);
      assertThatThrownBy(() -> e.tell(t, 2.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not waiting");
      Trial next = e.ask().orElseThrow();
      Trial forged = new Trial(next.id() + 100, next.architecture(), next.string(), next.decisions(), 0, TrialStatus.RUNNING, null);
      assertThatThrownBy(() -> e.tell(forged, 1.0)).isInstanceOf(IllegalArgumentException.class);
      // a non-finite value is a failed trial, not a reward
      assertThat(e.tell(next, Double.NaN).status()).isEqualTo(TrialStatus.FAILED);
    }
  }

  @Test
  void aConfigFileWithoutEvaluatorIsDrivenByAskTellAndCannotBeRunByTheCli() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, """
        name: hp
        seed: 3
        space: nasbench201
        strategy: random
        evaluator: {type: none}
        budget: {max_trials: 4}
        """);
    Path folder = dir.resolve("hp");
    try (Experiment e = Experiment.create(cfg, folder)) {
      assertThatThrownBy(e::run).isInstanceOf(BadInputException.class).hasMessageContaining("ask() and tell()");
      Trial t = e.ask().orElseThrow();
      e.tell(t, 0.5);
    }
    var show = dev.jnas.cli.Main.run("show", folder.toString());
    assertThat(show).isZero();
  }
}
