package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hyperparameter searches from the command line: strategy shadho on a fixed architecture, and bad spaces. */
class HyperparameterSearchCliTest {
  @TempDir Path dir;

  static final String ARCH = "3x3x8;3x3x8<0";

  static final String HP = """
      name: hp
      seed: 4
      space:
        name: hyperparameters
        params:
          architecture: {space: {name: nasrl-macro, params: {layers: 2, filter_sizes: [3], filters: [8]}}, string: "3x3x8;3x3x8<0"}
          parameters:
            learning_rate: {log_uniform: [0.02, 0.3]}
            batch_size: [32, 64]
            schedule: [cosine, step]
            optimizer:
              choice:
                sgd: {}
                nesterov: {momentum: {uniform: [0.8, 0.95]}}
      strategy: shadho
      evaluator:
        type: training
        dataset: synthetic
        synthetic: {train: 600, test: 200, size: 12}
        training: {batch_size: 64, learning_rate: 0.1}
      budget: {max_trials: 4, epochs: 1}
      final: {epochs: 1}
      """;

  private CliRunner.Result search(String yaml, Path out) throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    return CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
  }

  @Test
  void shadhoSearchesHyperparametersOfAFixedArchitectureAndRetrainsWithTheBest() throws Exception {
    Path out = dir.resolve("hp");
    var r = search(HP, out);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(4);
    HyperparameterSpace space =
        (HyperparameterSpace) SearchSpaces.fromConfig(ExperimentConfig.load(dir.resolve("c.yaml")).space());
    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    java.util.Set<String> optimizers = new java.util.HashSet<>();
    for (JsonNode t : show.path("trials")) {
      Map<String, String> v = space.values(space.decode(t.path("architecture").asText()));
      optimizers.add(v.get("optimizer"));
      assertThat(Double.parseDouble(v.get("learning_rate"))).isBetween(0.02, 0.3);
    }
    // SHADHO tries every subspace first
    assertThat(optimizers).containsExactlyInAnyOrder("sgd", "nesterov");
    // the final model is the fixed architecture, trained with the best trial's settings
    JsonNode model = Json.MAPPER.readTree(out.resolve("best/model.json").toFile());
    assertThat(model.path("architecture").asText()).isEqualTo(ARCH);
    assertThat(model.path("space").path("name").asText()).isEqualTo("nasrl-macro");
    Map<String, String> best = space.values(space.decode(summary.path("best").path("architecture").asText()));
    assertThat(model.path("training").path("learning_rate").asDouble()).isEqualTo(Double.parseDouble(best.get("learning_rate")));
    assertThat(model.path("training").path("batch_size").asText()).isEqualTo(best.get("batch_size"));
    assertThat(model.path("training").path("schedule").asText()).isEqualTo(best.get("schedule"));
    assertThat(model.path("training").path("nesterov").asBoolean()).isEqualTo(best.get("optimizer").equals("nesterov"));
    assertThat(model.path("test_accuracy").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void badHyperparameterSpacesExitWithTwoNamingTheField() throws Exception {
    record Bad(String from, String to, String words) {}
    for (Bad b : new Bad[] {
        new Bad("{log_uniform: [0.02, 0.3]}", "{log_uniform: [0, 0.3]}",
            "'space.params.parameters.learning_rate.log_uniform' must have low > 0"),
        new Bad("{log_uniform: [0.02, 0.3]}", "{uniform: [0.3, 0.02]}",
            "'space.params.parameters.learning_rate.uniform' must have low < high"),
        new Bad("{log_uniform: [0.02, 0.3]}", "{beta: [1, 2]}",
            "'space.params.parameters.learning_rate' names unknown distribution 'beta'"),
        new Bad("sgd: {}", "adam: {}",
            "'space.params.parameters.optimizer' option 'adam' cannot train"),
        new Bad("{uniform: [0.8, 0.95]}", "{uniform: [0.8, 1.5]}",
            "'space.params.parameters.optimizer.choice.nesterov.momentum' option"),
        new Bad("batch_size: [32, 64]", "batch: [32, 64]",
            "'space.params.parameters.batch' does not reach training"),
        new Bad("architecture: {space: {name: nasrl-macro, params: {layers: 2, filter_sizes: [3], filters: [8]}}, string: \"3x3x8;3x3x8<0\"}",
            "parameters_only: 1", "unknown parameter 'parameters_only'"),
    }) {
      Path out = dir.resolve("bad");
      var r = search(HP.replace(b.from(), b.to()), out);
      assertThat(r.exitCode()).as(b.to() + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(b.to()).contains(b.words()).contains("c.yaml:");
      assertThat(out).doesNotExist();
    }
  }
}
