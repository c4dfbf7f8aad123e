package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches over a user's own space: a declarative space with a layers template, and classes. */
class DeclarativeSearchCliTest {
  @TempDir Path dir;

  static final String DATA = """
      evaluator:
        type: training
        dataset: synthetic
        synthetic: {train: 600, test: 200, size: 12}
        training: {batch_size: 64, learning_rate: 0.1}
      """;

  private CliRunner.Result search(String yaml, Path out) throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, yaml);
    return CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
  }

  @Test
  void searchesADeclarativeSpaceWithALayersTemplate() throws Exception {
    String yaml = """
        name: own-space
        seed: 3
        space:
          name: declarative
          params:
            decisions:
              - {name: width, options: [4, 8]}
              - {name: kernel, options: [3, 5]}
              - {name: act, options: [relu, gelu]}
              - {name: head, options: [none, dense]}
              - {name: units, options: [16, 32], when: {head: [dense]}}
        model:
          layers:
            - conv: {kernel: $kernel, filters: $width}
              activation: $act
            - pool: max
            - dense: $units
              activation: relu
              repeat: 1
        strategy: {name: evolution, params: {population: 2, sample: 2}}
        budget: {max_trials: 3, epochs: 1}
        final: {epochs: 1}
        """ + DATA;
    Path out = dir.resolve("exp");
    // 'head' is referenced by no layer: the template is refused before anything is created
    var refused = search(yaml, out);
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("decision head is not used by the template");
    assertThat(out).doesNotExist();

    yaml = yaml.replace("      repeat: 1", "      repeat: $head_count")
        .replace("options: [none, dense]", "options: [0, 1]").replace("when: {head: [dense]}", "when: {head_count: [1]}")
        .replace("name: head,", "name: head_count,");
    var r = search(yaml, out);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(3);
    assertThat(summary.path("best").path("flops").asLong()).isPositive();
    assertThat(summary.path("final").path("test_accuracy").asDouble()).isBetween(0.0, 1.0);
    // the closing line's time is the whole run's; it says how much of it the final training took
    assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "trials: 3 (complete 3, failed 0) in %.1f s (of it %.1f s the final training)",
        summary.path("run_seconds").asDouble(), summary.path("final").path("seconds").asDouble()));

    SearchSpace space = SearchSpaces.fromConfig(ExperimentConfig.load(dir.resolve("c.yaml")).space());
    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    assertThat(show.path("trials")).hasSize(3);
    for (JsonNode t : show.path("trials")) {
      String arch = t.path("architecture").asText();
      // canonical strings: units appears exactly when head_count is 1
      assertThat(arch.contains("units=")).as(arch).isEqualTo(arch.contains("head_count=1"));
      assertThat(space.encode(space.decode(arch))).isEqualTo(arch);
    }

    // the retrained best loads into the network the template builds for it
    ObjectNode best = (ObjectNode) Json.MAPPER.readTree(out.resolve("best/architecture.json").toFile());
    Architecture arch = space.fromJson(best);
    ModelBuilder builder = ModelBuilders.fromConfig(ExperimentConfig.load(dir.resolve("c.yaml")).model(), space);
    try (Model m = TrainingEvaluator.loadTrained(builder, arch, new Shape(1, 12, 12), 10, out.resolve("best"));
        NDManager nd = NDManager.newBaseManager()) {
      NDArray y = m.getBlock().forward(new ParameterStore(nd, false), new NDList(nd.ones(new Shape(2, 1, 12, 12))), false)
          .singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(2, 10));
    }
  }

  @Test
  void searchesASpaceAndAModelGivenByClass() throws Exception {
    Path out = dir.resolve("by-class");
    var r = search("""
        name: by-class
        seed: 1
        space: {class: com.acme.PairSpace, params: {n: 2}}
        model: {class: com.acme.PairModelBuilder, params: {hidden: 8}}
        strategy: grid
        budget: {max_trials: 2, epochs: 1}
        final: {retrain: false}
        """ + DATA, out);
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(2);
    assertThat(summary.path("best").path("architecture").asText()).matches("a=[01],b=[01]");
  }

  @Test
  void aBadClassOrTemplateIsBadInputAndCreatesNothing() throws Exception {
    Path out = dir.resolve("bad");
    var r = search("""
        name: bad
        space: {class: com.acme.NoSuchSpace}
        strategy: random
        budget: {max_trials: 2}
        """ + DATA, out);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("search space class 'com.acme.NoSuchSpace' is not on the class path");
    r = search("""
        name: bad
        space: {name: declarative, params: {decisions: [{name: k, options: [3, 5]}]}}
        model: {layers: [{conv: {kernel: $k, filters: 4}}, {pool: max, repeat: 4}]}
        strategy: random
        budget: {max_trials: 2}
        """ + DATA, out);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("layers[1] (pool): a 2x2 window does not fit its 1x1 input");
    assertThat(out).doesNotExist();
  }
}
