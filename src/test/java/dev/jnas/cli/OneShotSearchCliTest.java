package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each one-shot strategy searches a tiny NAS-Bench-201 supernet end to end through the CLI. */
class OneShotSearchCliTest {
  @TempDir Path dir;

  static String config(String name, String strategy, String budget) {
    return """
        name: %s
        seed: 4
        space: {name: nasbench201, params: {cells_per_stage: 1, channels: 4}}
        strategy: %s
        evaluator:
          type: training
          dataset: synthetic
          synthetic: {train: 400, test: 100, size: 8}
          training: {batch_size: 32, learning_rate: 0.05}
        budget: %s
        final: {epochs: 1}
        """.formatted(name, strategy, budget);
  }

  private JsonNode search(String name, String strategy) throws Exception {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, config(name, strategy, "{epochs: 2}"));
    Path out = dir.resolve(name);
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("complete").asInt()).isEqualTo(1);
    String arch = summary.path("best").path("architecture").asText();
    NasBench201Space space = new NasBench201Space(1, 4);
    assertThat(space.encode(space.decode(arch))).isEqualTo(arch); // a valid, canonical architecture
    assertThat(summary.path("final").path("test_accuracy").isNumber()).isTrue();
    JsonNode show = Json.MAPPER.readTree(CliRunner.run("show", out.toString(), "--json").out());
    JsonNode trial = show.path("trials").get(0);
    assertThat(trial.path("metrics").path("epochs")).hasSize(2);
    return show;
  }

  @Test
  void dartsRecordsAlphasAndSkipsPerEpoch() throws Exception {
    JsonNode show = search("darts", "{name: darts, params: {steps_per_epoch: 4}}");
    JsonNode oneShot = show.path("one_shot");
    assertThat(oneShot.path("method").asText()).isEqualTo("darts");
    assertThat(oneShot.path("epochs")).hasSize(2);
    JsonNode e1 = oneShot.path("epochs").get(0);
    assertThat(e1.path("probabilities")).hasSize(6);
    double sum = 0;
    for (JsonNode p : e1.path("probabilities").get(0)) {
      sum += p.asDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(e1.path("skips").isInt()).isTrue();
    assertThat(oneShot.path("derived").asText()).isEqualTo(show.path("trials").get(0).path("architecture").asText());
  }

  @Test
  void secondOrderDartsRunsAndAFinishedSearchIsNotExtended() throws Exception {
    search("darts2", "{name: darts, params: {steps_per_epoch: 3, order: 2}}");
    var r = CliRunner.run("resume", dir.resolve("darts2").toString(), "--extend", "minutes=1", "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("one-shot search");
  }

  @Test
  void proxylessRunsAndEnasRuns() throws Exception {
    JsonNode p = search("proxyless", "{name: proxyless, params: {steps_per_epoch: 4}}");
    assertThat(p.path("one_shot").path("epochs").get(1).path("mean_entropy").asDouble()).isBetween(0.0, 1.0);
    JsonNode two = search("proxyless2", "{name: proxyless, params: {steps_per_epoch: 4, paths: 2}}");
    // the two-path mode moves only the two drawn logits per step, keeping the others' share
    assertThat(two.path("one_shot").path("epochs").get(1).path("probabilities").get(0)).hasSize(5);
    JsonNode e = search("enas", "{name: enas, params: {steps_per_epoch: 4, controller_steps: 2, derive_samples: 4}}");
    assertThat(e.path("one_shot").path("epochs").get(1).path("controller_updates").asInt()).isEqualTo(4);
  }

  @Test
  void proxylessWithALatencyTableReportsPredictedAgainstMeasuredLatency() throws Exception {
    Path table = dir.resolve("latency.json");
    var t = CliRunner.run("latency-table", "--space", "nasbench201", "--space-params", "{\"cells_per_stage\":1,\"channels\":4}",
        "--input-shape", "1,8,8", "--classes", "10", "--repeats", "3", "--warmup", "1", "--out", table.toString());
    assertThat(t.exitCode()).as(t.err()).isZero();
    JsonNode show = search("latency", "{name: proxyless, params: {steps_per_epoch: 4, latency_table: " + table + ", latency_weight: 0.5}}");
    JsonNode latency = show.path("one_shot").path("latency");
    assertThat(latency.path("predicted_ms").asDouble()).isFinite();
    assertThat(latency.path("measured_ms").asDouble()).isPositive();
    assertThat(show.path("one_shot").path("epochs").get(0).path("expected_latency_ms").asDouble()).isPositive();
    String text = CliRunner.run("show", dir.resolve("latency").toString()).out();
    assertThat(text).contains("predicted by the table").contains("measured");
    // a latency term that outweighs everything drives every edge to an op that costs nothing
    JsonNode fast = search("fast", "{name: proxyless, params: {steps_per_epoch: 6, arch_learning_rate: 0.2,"
        + " latency_table: " + table + ", latency_weight: 1000}}");
    assertThat(fast.path("one_shot").path("derived").asText()).doesNotContain("conv").doesNotContain("pool");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"darts", "proxyless", "enas"})
  void theSameSeedGivesTheSameSearch(String method) throws Exception {
    String strategy = "{name: " + method + ", params: {steps_per_epoch: 3"
        + (method.equals("enas") ? ", controller_steps: 2, derive_samples: 3" : "") + "}}";
    JsonNode a = search(method + "-a", strategy);
    JsonNode b = search(method + "-b", strategy);
    assertThat(b.path("one_shot").path("epochs")).isEqualTo(a.path("one_shot").path("epochs"));
    assertThat(b.path("trials").get(0).path("metrics").path("val_accuracy"))
        .isEqualTo(a.path("trials").get(0).path("metrics").path("val_accuracy"));
  }

  /** Every space with a supernet, each under one method: a valid architecture of that space. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
    "cell; {blocks: 2, cells_per_stack: 1, filters: 4, stacks: 2}; darts",
    "cell; {blocks: 2, cells_per_stack: 1, filters: 4, stacks: 2}; enas",
    "nasrl-macro; {layers: 3, ops: [conv3x3, sep3x3, max3x3, avg3x3], filters: [4]}; proxyless",
    "nasrl-macro; {layers: 3, ops: [conv3x3, sep5x5, avg3x3], filters: [4]}; enas",
    "resnet50-scope; {scope: m, width: 0.0625, blocks: [1, 1, 2, 1]}; proxyless",
    "resnet50-scope; {scope: s, width: 0.0625, blocks: [1, 1, 1, 2]}; darts",
  })
  void everySpaceWithASupernetIsSearched(String space, String params, String method) throws Exception {
    String name = space + "-" + method;
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, config(name, "{name: " + method + ", params: {steps_per_epoch: 2, controller_steps: 1, derive_samples: 2}}"
            .replace(", controller_steps: 1, derive_samples: 2", method.equals("enas") ? ", controller_steps: 1, derive_samples: 2" : ""),
        "{epochs: 1}").replace("{name: nasbench201, params: {cells_per_stage: 1, channels: 4}}", "{name: " + space + ", params: " + params + "}"));
    Path out = dir.resolve(name);
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    var s = dev.jnas.space.SearchSpaces.create(space, Json.MAPPER.readTree(
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(params).toString()));
    String arch = summary.path("best").path("architecture").asText();
    assertThat(s.isValid(s.decode(arch))).as(arch).isTrue();
    assertThat(s.encode(s.decode(arch))).isEqualTo(arch);
  }

  @Test
  void badOneShotConfigsAreRefusedWithTheirPlace() throws Exception {
    String[][] cases = {
      {config("x", "{name: darts}", "{epochs: 1, max_trials: 3}"), "budget.max_trials"},
      {config("x", "{name: darts}", "{max_trials: 3}"), "budget"},
      {config("x", "{name: darts, params: {order: 3}}", "{epochs: 1}"), "order"},
      {config("x", "{name: darts, params: {controller_steps: 3}}", "{epochs: 1}"), "does not apply"},
      {config("x", "{name: enas, params: {bogus: 1}}", "{epochs: 1}"), "bogus"},
      {config("x", "{name: proxyless, params: {latency_weight: 0.1}}", "{epochs: 1}"), "latency_table"},
      {config("x", "{name: proxyless, params: {latency_table: nope.json}}", "{epochs: 1}"), "nope.json"},
      {config("x", "{name: darts}", "{epochs: 1}").replace("type: training", "type: tabular"), "one-shot"},
    };
    int i = 0;
    for (String[] c : cases) {
      Path cfg = dir.resolve("bad" + i + ".yaml");
      Files.writeString(cfg, c[0]);
      Path out = dir.resolve("bad" + i++);
      var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
      assertThat(r.exitCode()).as(c[1] + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(c[1]).contains(c[1]);
      assertThat(out).doesNotExist();
    }
  }
}
