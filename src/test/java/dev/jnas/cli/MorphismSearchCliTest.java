package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hill climbing and LEMONADE run as a user runs them: every network is stored with its whole
 * graph, its parent and morphisms, and its trained weights; children grow from the best of the
 * previous step (NASH) or from the Pareto front (LEMONADE); a killed search continues as if it
 * had not been; bad configs are refused with their place.
 */
class MorphismSearchCliTest {
  @TempDir Path dir;

  static final String START = "c1=conv3x3(4)<input; p1=pool<c1; c2=conv3x3(8)<p1";

  static String config(String name, String strategy, String budget) {
    return """
        name: %s
        seed: 5
        space: {name: graph, params: {start: "%s", input: [1, 12, 12]}}
        strategy: %s
        evaluator:
          type: training
          dataset: synthetic
          synthetic: {train: 480, test: 60, channels: 1, size: 12, classes: 3}
          training: {batch_size: 32, learning_rate: 0.05, val_fraction: 0.25}
        budget: %s
        final: {retrain: false}
        """.formatted(name, START, strategy, budget);
  }

  private Path write(String name, String yaml) throws Exception {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, yaml);
    return cfg;
  }

  private List<TrialRecord> search(String name, String strategy, String budget) throws Exception {
    Path out = dir.resolve(name);
    var r = CliRunner.run("search", "--config", write(name, config(name, strategy, budget)).toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      return s.trials();
    }
  }

  private static JsonNode lineage(TrialRecord t) throws Exception {
    return Json.MAPPER.readTree(t.lineage());
  }

  @Test
  void hillClimbingMovesToTheBestChildAndStoresEveryNetworksLineageAndWeights() throws Exception {
    List<TrialRecord> trials =
        search("hc", "{name: hill-climbing, params: {steps: 2, neighbours: 3, morphisms: 2}}", "{max_trials: 50, epochs: 1}");
    // the start network, then 2 steps of 3 neighbours (the parent trained on and 2 children)
    assertThat(trials).hasSize(7).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    Map<Long, TrialRecord> byId = trials.stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
    assertThat(trials.get(0).architecture()).isEqualTo(START);
    assertThat(lineage(trials.get(0)).has("parent")).isFalse();
    for (int round = 1; round <= 2; round++) {
      int r = round;
      List<TrialRecord> previous = trials.stream().filter(t -> round(t) == r - 1).toList();
      TrialRecord best = previous.stream()
          .max(Comparator.comparingDouble((TrialRecord t) -> t.result().reward()).thenComparingLong(t -> -t.id())).orElseThrow();
      List<TrialRecord> step = trials.stream().filter(t -> round(t) == r).toList();
      assertThat(step).hasSize(3);
      for (TrialRecord t : step) {
        JsonNode l = lineage(t);
        assertThat(l.get("parent").asLong()).as("trial %d's parent", t.id()).isEqualTo(best.id());
      }
      // every network starts where its parent stopped: exactly for the parent trained on, up to an
      // image or two whose prediction the rounding of a morphed network may flip for the children
      for (TrialRecord t : step) {
        double parentAccuracy = byId.get(lineage(t).get("parent").asLong()).result().valAccuracy();
        assertThat(lineage(t).get("start_accuracy").asDouble()).as("trial %d before training", t.id())
            .isCloseTo(parentAccuracy, org.assertj.core.data.Offset.offset(t == step.get(0) ? 1e-12 : 2.5 / 120));
      }
      // the parent trained on: no morphism, the same network; the children: 2 morphisms each
      assertThat(lineage(step.get(0)).get("morphisms")).isEmpty();
      assertThat(step.get(0).architecture()).isEqualTo(best.architecture());
      for (TrialRecord child : step.subList(1, 3)) {
        assertThat(lineage(child).get("morphisms")).hasSize(2);
        assertThat(lineage(child).get("morphisms").get(0).get("op").asText()).isIn("deepen", "widen", "skip");
        assertThat(child.architecture()).isNotEqualTo(byId.get(lineage(child).get("parent").asLong()).architecture());
      }
    }
    for (TrialRecord t : trials) {
      Path w = dir.resolve("hc/trials/trial-" + t.id() + "/weights.ndlist");
      assertThat(w).exists();
      assertThat(Files.size(w)).isGreaterThan(4L * t.result().params());
    }
    String text = CliRunner.run("show", dir.resolve("hc").toString()).out();
    assertThat(text).contains("(start network)").contains("<- trial 0 trained on (val_acc before training")
        .containsPattern("<- trial \\d+: (deepen|widen|skip) ");
    JsonNode json = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("hc").toString(), "--json").out());
    assertThat(json.path("trials").get(1).path("lineage").path("parent").asLong()).isZero();
  }

  private static int round(TrialRecord t) {
    try {
      return lineage(t).get("round").asInt();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The final training continues the best network, and best/ loads and predicts like any search's. */
  @Test
  void theBestNetworkIsTrainedOnAndSavedAsAModel() throws Exception {
    Path cfg = write("fin", config("fin", "{name: hill-climbing, params: {steps: 1, neighbours: 2, morphisms: 1}}", "{max_trials: 9, epochs: 1}")
        .replace("final: {retrain: false}", "final: {retrain: true, epochs: 1}"));
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", dir.resolve("fin").toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode summary = Json.MAPPER.readTree(dir.resolve("fin/summary.json").toFile());
    String best = summary.path("best").path("architecture").asText();
    try (dev.jnas.train.SavedModel m = dev.jnas.train.SavedModel.load(dir.resolve("fin/best"))) {
      assertThat(m.space().encode(m.architecture())).isEqualTo(best);
      dev.jnas.data.ImageDataset test = dev.jnas.data.ImageDataset.synthetic(60, 1, 12, 12, 3, 2);
      int[] labels = new int[test.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = test.label(i);
      }
      assertThat(m.predict(test).accuracy(labels)).isEqualTo(summary.path("final").path("test_accuracy").asDouble());
    }
  }

  @Test
  void aKilledHillClimbingContinuesAsAnUninterruptedOneWould() throws Exception {
    String yaml = config("crash", "{name: hill-climbing, params: {steps: 2, neighbours: 3, morphisms: 2}}", "{max_trials: 50, epochs: 2}");
    Path cfg = write("crash", yaml);
    Path out = dir.resolve("crash");
    Path log = dir.resolve("child.log");
    List<String> jvm = List.of("-Dai.djl.offline=true", CrashResumeTest.THREADS + "1");
    Process child = CrashResumeTest.startCli(log, jvm, "search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    List<TrialRecord> before = CrashResumeTest.killAfterFinished(child, out, 3, log);
    assertThat(before).filteredOn(t -> t.status() == TrialStatus.RUNNING).hasSizeLessThanOrEqualTo(1); // each network is stored as it starts
    assertThat(CrashResumeTest.runCli(log, jvm, 120, "resume", out.toString(), "--quiet")).as(Files.readString(log)).isZero();
    List<TrialRecord> after;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(out)) {
      after = s.trials();
    }
    Path again = dir.resolve("again");
    assertThat(CrashResumeTest.runCli(log, jvm, 120, "search", "--config", cfg.toString(), "--output", again.toString(), "--quiet"))
        .as(Files.readString(log)).isZero();
    List<TrialRecord> straight;
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(again)) {
      straight = s.trials();
    }
    assertThat(after).hasSize(7).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    // finished trials are kept as they were
    for (TrialRecord b : before) {
      if (b.status().isFinished()) {
        assertThat(after.get((int) b.id()).result()).isEqualTo(b.result());
      }
    }
    assertThat(after).extracting(TrialRecord::architecture).isEqualTo(straight.stream().map(TrialRecord::architecture).toList());
    assertThat(after).extracting(TrialRecord::lineage).isEqualTo(straight.stream().map(TrialRecord::lineage).toList());
    assertThat(after).extracting(t -> t.result().reward()).isEqualTo(straight.stream().map(t -> t.result().reward()).toList());
  }

  @Test
  void anExtendedSearchGoesOnWhereItStoppedAndRefusesAStoreItWouldNotHaveWritten() throws Exception {
    String strategy = "{name: hill-climbing, params: {steps: 2, neighbours: 3, morphisms: 2}}";
    List<TrialRecord> straight = search("full", strategy, "{max_trials: 7, epochs: 1}");
    search("part", strategy, "{max_trials: 3, epochs: 1}"); // stops within the first step
    var r = CliRunner.run("resume", dir.resolve("part").toString(), "--extend", "trials=4", "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir.resolve("part"))) {
      assertThat(s.trials()).extracting(TrialRecord::architecture).isEqualTo(straight.stream().map(TrialRecord::architecture).toList());
      assertThat(s.trials()).extracting(TrialRecord::lineage).isEqualTo(straight.stream().map(TrialRecord::lineage).toList());
    }
    // a stored child that the strategy would not propose in its place (another morphism)
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("part/experiment.db"));
        var st = c.createStatement()) {
      st.execute("UPDATE trial SET lineage = replace(lineage, '\"kernel\":3', '\"kernel\":5') WHERE id = 5");
    }
    var bad = CliRunner.run("resume", dir.resolve("part").toString(), "--extend", "trials=1", "--quiet");
    assertThat(bad.exitCode()).as(bad.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.err()).contains("trial 5").contains("differs from what strategy hill-climbing proposes in its place now");
  }

  @Test
  void lemonadeKeepsAParetoFrontAndWritesItAsTableAndPlot() throws Exception {
    List<TrialRecord> trials =
        search("lem", "{name: lemonade, params: {children: 6, accept: 2, generations: 3}}", "{max_trials: 50, epochs: 1}");
    assertThat(trials).hasSize(7);
    for (TrialRecord t : trials.subList(1, trials.size())) {
      JsonNode l = lineage(t);
      // a parent is on the front of the networks trained before the child's generation
      List<TrialRecord> earlier = trials.stream().filter(p -> round(p) < round(t)).toList();
      TrialRecord parent = trials.get(l.get("parent").asInt());
      assertThat(earlier).contains(parent);
      assertThat(earlier).noneSatisfy(o -> assertThat(
              o.result().params() <= parent.result().params() && o.result().reward() > parent.result().reward()
                  || o.result().params() < parent.result().params() && o.result().reward() >= parent.result().reward())
          .as("trial %d dominates parent %d", o.id(), parent.id()).isTrue());
      assertThat(l.get("morphisms")).hasSize(1);
    }
    assertThat(trials).extracting(TrialRecord::architecture).doesNotHaveDuplicates();
    Path csv = dir.resolve("lem/pareto.csv");
    assertThat(dir.resolve("lem/pareto.png")).exists();
    assertThat(dir.resolve("lem/pareto.svg")).exists();
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows.get(0)).startsWith("series,trial,val_error,params,flops,latency_ms,on_front");
    assertThat(rows).hasSize(1 + trials.size());
    // on_front: exactly the rows no other row beats in both error and parameters
    List<String[]> cells = rows.subList(1, rows.size()).stream().map(r -> r.split(",")).toList();
    for (String[] a : cells) {
      boolean dominated = cells.stream().anyMatch(b -> b != a
          && Double.parseDouble(b[2]) <= Double.parseDouble(a[2]) && Long.parseLong(b[3]) <= Long.parseLong(a[3])
          && (Double.parseDouble(b[2]) < Double.parseDouble(a[2]) || Long.parseLong(b[3]) < Long.parseLong(a[3])));
      assertThat(Boolean.parseBoolean(a[6])).as("trial %s on the front", a[1]).isEqualTo(!dominated);
    }

    var r = CliRunner.run("compare", dir.resolve("lem").toString(), dir.resolve("lem").toString(), "-o", dir.resolve("cmp").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("lem ").contains("Pareto fronts");
    assertThat(dir.resolve("cmp/progress.png")).exists();
    assertThat(Files.readAllLines(dir.resolve("cmp/progress.csv"))).hasSize(1 + 2 * trials.size());
    assertThat(Files.readAllLines(dir.resolve("cmp/pareto.csv"))).hasSize(1 + 2 * trials.size());
    var bad = CliRunner.run("compare", dir.resolve("lem").toString(), "--cost", "speed");
    assertThat(bad.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(bad.err()).contains("--cost speed: must be params, flops or latency");
  }

  @Test
  void lemonadeCanTradeErrorAgainstMeasuredLatency() throws Exception {
    List<TrialRecord> trials =
        search("lat", "{name: lemonade, params: {children: 4, accept: 2, generations: 2, objective: latency}}", "{max_trials: 50, epochs: 1}");
    assertThat(trials).hasSize(5);
    for (TrialRecord t : trials) {
      assertThat(lineage(t).get("latency_ms").asDouble()).as("trial %d", t.id()).isPositive().isLessThan(1000);
    }
    List<String[]> cells = Files.readAllLines(dir.resolve("lat/pareto.csv")).stream().skip(1).map(r -> r.split(",")).toList();
    assertThat(cells).hasSize(5);
    for (String[] a : cells) {
      boolean dominated = cells.stream().anyMatch(b -> b != a
          && Double.parseDouble(b[2]) <= Double.parseDouble(a[2]) && Double.parseDouble(b[5]) <= Double.parseDouble(a[5])
          && (Double.parseDouble(b[2]) < Double.parseDouble(a[2]) || Double.parseDouble(b[5]) < Double.parseDouble(a[5])));
      assertThat(Boolean.parseBoolean(a[6])).as("trial %s on the latency front", a[1]).isEqualTo(!dominated);
    }
    var r = CliRunner.run("compare", dir.resolve("lat").toString(), "--cost", "latency", "-o", dir.resolve("latcmp").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("lat: \\d+\\.\\d{3}ms/");
  }

  @Test
  void badMorphismConfigsAreRefusedWithTheirPlace() throws Exception {
    String ok = "{name: hill-climbing}";
    Map<String, String> cases = Map.of(
        config("a", ok, "{max_trials: 3}").replace("name: graph, params: {start: \"" + START + "\", input: [1, 12, 12]}",
            "name: nasrl-macro"), "strategy hill-climbing grows networks by morphisms: it needs space graph, not 'nasrl-macro'",
        config("b", "{name: reinforce}", "{max_trials: 3}"), "'reinforce' chooses values of a space's decisions, and space graph has none",
        config("c", "{name: lemonade, params: {children: 2, accept: 3}}", "{max_trials: 3}"), "parameter 'accept' must be at most children (2), got 3",
        config("d", ok, "{max_trials: 3}").replace("c2=conv3x3(8)<p1", "c2=conv3x3(8)<p9"), "input 'p9' is not the input or an earlier layer",
        config("e", ok, "{max_trials: 3}").replace("input: [1, 12, 12]", "input: [3, 12, 12]"), "set space.params.input to [1, 12, 12]",
        config("f", ok, "{max_trials: 3}") + "concurrency: 2\n", "must be 1 with strategy hill-climbing",
        config("g", "{name: lemonade, params: {objective: speed}}", "{max_trials: 3}"), "parameter 'objective' must be params, flops or latency, got speed",
        config("h", ok, "{max_trials: 3, epochs: 2}") + "early_stopping: median\n", "does not apply to strategy hill-climbing",
        config("i", "{name: evolution}", "{max_trials: 3}").replace("final: {retrain: false}", "final: {retrain: true, inherit: true}"),
        "final.inherit' applies to strategies that train networks from their parents' weights");
    int i = 0;
    for (var c : cases.entrySet()) {
      Path cfg = write("bad" + i++, c.getKey());
      var r = CliRunner.run("search", "--config", cfg.toString(), "--output", dir.resolve("bad-out" + i).toString(), "--quiet");
      assertThat(r.exitCode()).as(c.getValue() + "\n" + r.err()).isEqualTo(Main.BAD_INPUT);
      assertThat(r.err()).contains(c.getValue());
    }
  }
}
