package dev.jnas.predict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.api.Experiment;
import dev.jnas.api.ExperimentBuilder;
import dev.jnas.api.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PNAS experiment stopped twice (within level 1, and within level 2 after the predictor chose
 * it) with trials never told, opened again and run on, asks exactly the trials an uninterrupted
 * run asks: the restored search refits its predictor from the stored results.
 */
class ProgressiveSearchResumeTest {
  static {
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  @TempDir Path dir;

  private ExperimentBuilder builder(Path folder, String predictor) {
    return Experiment.builder()
        .name("pnas")
        .folder(folder)
        .seed(5)
        .space("cell", Map.of("blocks", 3, "ops", List.of("identity", "max_pool_3x3", "sep_conv_3x3"), "progressive", true))
        .strategy("pnas", Map.of("k", 4, "epochs", 30, "hidden", 8, "predictor", predictor))
        .maxTrials(100);
  }

  /** The caller's objective: sep_conv_3x3 ops per block, and a little for each op's position. */
  static double objective(Trial t) {
    String s = t.string();
    double convs = s.split("sep_conv_3x3", -1).length - 1;
    return convs / (s.split("/").length * 2.0) + (s.hashCode() & 0xff) / 5000.0;
  }

  /**
   * Asks and tells (keeping up to {@code open} trials untold) until {@code until + open} trials are
   * asked, or the search ends ({@code until} < 0: then everything is told). When the search waits
   * for results (PNAS between levels), the oldest untold trial is told.
   */
  private static void drive(Experiment e, List<String> asked, int until, int open) {
    List<Trial> pending = new ArrayList<>();
    while (until < 0 || asked.size() < until + open) {
      Optional<Trial> t = e.ask();
      if (t.isEmpty() && pending.isEmpty()) {
        break;
      }
      if (t.isPresent()) {
        asked.add(t.get().string());
        pending.add(t.get());
      }
      if (t.isEmpty() || pending.size() > open) {
        Trial first = pending.remove(0);
        e.tell(first, objective(first));
      }
    }
    if (until < 0) {
      pending.forEach(p -> e.tell(p, objective(p)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "lstm"})
  void aStoppedSearchResumesExactly(String predictor) {
    List<String> straight = new ArrayList<>();
    try (Experiment e = builder(dir.resolve("straight"), predictor).create()) {
      drive(e, straight, -1, 0);
    }
    assertThat(straight).hasSize(21 + 2 * 4);

    Path folder = dir.resolve("stopped");
    List<String> asked = new ArrayList<>();
    try (Experiment e = builder(folder, predictor).create()) {
      drive(e, asked, 12, 2); // within level 1: two trials asked, never told
    }
    List<String> resumed = new ArrayList<>(asked.subList(0, 12));
    try (Experiment e = builder(folder, predictor).open()) {
      drive(e, resumed, 23, 1); // untold trials come back first; stops within level 2
    }
    List<String> last = new ArrayList<>(resumed.subList(0, 23));
    try (Experiment e = builder(folder, predictor).open()) {
      drive(e, last, -1, 0);
      assertThat(e.trials()).hasSize(straight.size());
    }
    assertThat(last).isEqualTo(straight);
  }
}
