package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PNAS through the CLI: a tiny progressive cell space on synthetic images (10 one-block cells,
 * then K = 2 two-block cells), with the levels and their Spearman correlations reported by {@code
 * show}; bad PNAS configs exit 2 and create nothing.
 */
class PnasSearchCliTest {
  @TempDir Path dir;

  static String config(String space, String strategy) {
    return """
        name: pnas
        seed: 3
        space: %s
        strategy: %s
        evaluator:
          type: training
          dataset: synthetic
          synthetic: {train: 200, test: 50, size: 8}
          training: {batch_size: 50, learning_rate: 0.05, val_fraction: 0.25}
        budget: {max_trials: 100, epochs: 1}
        final: {retrain: false}
        """.formatted(space, strategy);
  }

  static final String SPACE =
      "{name: cell, params: {blocks: 2, ops: [identity, max_pool_3x3], filters: 4, stacks: 1, cells_per_stack: 1,"
          + " progressive: true}}";

  @Test
  void searchesLevelByLevelAndShowReportsTheLevelsSpearmanCorrelations() throws Exception {
    Path cfg = dir.resolve("pnas.yaml");
    Files.writeString(cfg, config(SPACE, "{name: pnas, params: {k: 2, predictor: lstm, epochs: 20, hidden: 8}}"));
    Path out = dir.resolve("pnas");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("trials").asInt()).as(summary.toString()).isEqualTo(10 + 2); // then exhausted, below max_trials

    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    JsonNode levels = show.path("pnas_levels");
    assertThat(levels).hasSize(2);
    assertThat(levels.get(0).path("cells").asInt()).isEqualTo(10);
    assertThat(levels.get(1).path("cells").asInt()).isEqualTo(2);
    assertThat(levels.get(0).path("rho_fit").isNumber()).as(levels.toString()).isTrue();
    assertThat(levels.get(0).path("trials").isMissingNode()).isTrue();
    int twoBlockTrials = 0;
    for (JsonNode t : show.path("trials")) {
      twoBlockTrials += t.path("architecture").asText().contains("/") ? 1 : 0;
    }
    assertThat(twoBlockTrials).isEqualTo(2);

    String text = CliRunner.run("show", out.toString()).out();
    assertThat(text).contains("pnas levels").contains("rho_fit").contains("rho_predicted");
    assertThat(text.lines().filter(l -> l.matches("\\s+[12]\\s+(10|2)\\s+.*"))).hasSize(2);
  }

  private CliRunner.Result bad(String space, String strategy) throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, config(space, strategy));
    Path out = dir.resolve("experiments").resolve("bad");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(dir.resolve("experiments")).as("nothing created for bad input").doesNotExist();
    assertThat(r.err()).doesNotContain("Exception");
    return r;
  }

  @Test
  void badPnasConfigsExitWithTwoAndSayWhatIsWrong() throws Exception {
    assertThat(bad(SPACE, "{name: pnas, params: {predictor: gp}}").err())
        .contains("strategy pnas: parameter 'predictor' must be one of mlp, lstm, got gp");
    assertThat(bad(SPACE, "{name: pnas, params: {k: 0}}").err()).contains("strategy pnas: parameter 'k' must be an integer in [1,");
    assertThat(bad("{name: cell, params: {blocks: 2}}", "pnas").err()).contains("progressive: true");
    assertThat(bad("{name: cell, params: {progressive: true, shared_cell: false}}", "pnas").err()).contains("'shared_cell'");
  }
}
