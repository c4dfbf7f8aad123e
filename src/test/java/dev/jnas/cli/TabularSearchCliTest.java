package dev.jnas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it, on the NAS-Bench-201 table. */
class TabularSearchCliTest {
  static final Path NB201 = Path.of(System.getProperty("jnas.shared", "../shared"), "benchmarks", "nasbench201.csv");
  @TempDir Path dir;

  static String config(String strategy, int trials, int delayMs) {
    return """
        name: nb201
        seed: 3
        space: nasbench201
        strategy: %s
        evaluator: {type: tabular, benchmark: nasbench201, data: "%s", metric: cifar10-val, delay_ms: %d}
        budget: {max_trials: %d}
        """.formatted(strategy, NB201.toAbsolutePath(), delayMs, trials);
  }

  @Test
  void searchShowAndList() throws Exception {
    assertThat(NB201).as("NAS-Bench-201 table in ../shared").isRegularFile();
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config("evolution", 120, 0));
    Path out = dir.resolve("runs").resolve("nb201");
    var r = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("top 5:").contains("best architecture: |").contains("trials: 120 (complete 120, failed 0) in ")
        .doesNotContain("final training"); // no final training on a table
    JsonNode summary = Json.MAPPER.readTree(out.resolve("summary.json").toFile());
    assertThat(summary.path("trials").asInt()).isEqualTo(120);
    assertThat(summary.path("best").path("val_accuracy").asDouble()).isGreaterThan(80);
    JsonNode best = Json.MAPPER.readTree(out.resolve("best/architecture.json").toFile());
    assertThat(best.path("space").asText()).isEqualTo("nasbench201");
    assertThat(best.path("string").asText()).isEqualTo(summary.path("best").path("architecture").asText());

    var show = CliRunner.run("show", out.toString(), "--json");
    assertThat(show.exitCode()).isZero();
    JsonNode s = Json.MAPPER.readTree(show.out());
    assertThat(s.path("status").asText()).isEqualTo("FINISHED");
    assertThat(s.path("trials")).hasSize(120);
    JsonNode t0 = s.path("trials").get(0);
    assertThat(t0.has("id") && t0.has("architecture") && t0.has("status") && t0.has("metrics") && t0.has("error")).isTrue();
    assertThat(t0.path("metrics").path("val_accuracy").isNumber()).isTrue();

    var list = CliRunner.run("list", dir.resolve("runs").toString());
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains("nb201").contains("FINISHED");

    // A second search into the same folder is refused and changes nothing.
    long size = Files.size(out.resolve("experiment.db"));
    var again = CliRunner.run("search", "--config", cfg.toString(), "--output", out.toString(), "--quiet");
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("already holds an experiment");
    assertThat(Files.size(out.resolve("experiment.db"))).isEqualTo(size);
  }

  @Test
  void sameSeedSameTrials() throws Exception {
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, config("tournament", 60, 0));
    assertThat(CliRunner.run("search", "-c", cfg.toString(), "-o", dir.resolve("a").toString(), "--quiet").exitCode()).isZero();
    assertThat(CliRunner.run("search", "-c", cfg.toString(), "-o", dir.resolve("b").toString(), "--quiet").exitCode()).isZero();
    JsonNode a = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("a").toString(), "--json").out()).path("trials");
    JsonNode b = Json.MAPPER.readTree(CliRunner.run("show", dir.resolve("b").toString(), "--json").out()).path("trials");
    assertThat(a).hasSize(60);
    for (int i = 0; i < 60; i++) {
      assertThat(b.get(i).path("architecture")).isEqualTo(a.get(i).path("architecture"));
      assertThat(b.get(i).path("seed")).isEqualTo(a.get(i).path("seed"));
    }
  }

  @Test
  void tabularCommandPrintsTheJsonReport() throws Exception {
    var r = CliRunner.run("tabular", "--benchmark", "nasbench201", "--data", NB201.toString(), "--metric", "cifar10-val",
        "--strategy", "evolution", "--strategy", "random", "--queries", "100,300", "--seeds", "20", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode j = Json.MAPPER.readTree(r.out());
    assertThat(j.path("benchmark").asText()).isEqualTo("nasbench201");
    assertThat(j.path("optimum").asDouble()).isCloseTo(84.892, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(j.path("results")).hasSize(4);
    for (JsonNode res : j.path("results")) {
      assertThat(res.fieldNames()).toIterable()
          .containsExactly("strategy", "queries", "seeds", "mean_best", "mean_regret", "found_optimum");
    }
  }

  @Test
  void tabularRejectsUnknownNames() {
    var r = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar10-val", "--strategy", "annealing", "--queries", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown strategy 'annealing'").contains("evolution");
    r = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar11-val", "--strategy", "random", "--queries", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("cifar11-val").contains("cifar10-val");
    r = CliRunner.run("tabular", "--benchmark", "nasbench101", "--data", NB201.toString(), "--metric", "x", "--strategy", "random", "--queries", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nasbench201, table");
  }

  @Test
  void tabularBoundsQueriesAndSeedsNamingTheFlag() {
    var r = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar10-val", "--strategy", "random",
        "--queries", "100,2147483647");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--queries 2147483647 is out of range").contains("1..100,000");
    r = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar10-val", "--strategy", "random",
        "--queries", "10", "--seeds", "2000000000");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--seeds 2000000000 is out of range").contains("1..100,000");
  }

  @Test
  void tabularRefusesABinaryOrEmptyTable() throws Exception {
    Path binary = Files.write(dir.resolve("t.csv"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    var r = CliRunner.run("tabular", "--benchmark", "table", "--data", binary.toString(), "--metric", "acc",
        "--strategy", "random", "--queries", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(binary + " is not a text table").doesNotContain("Input length");
    Path empty = Files.writeString(dir.resolve("e.csv"), "arch,cellstr,cifar10-test,cifar10-val,cifar100-test,cifar100-val,imagenet-test,imagenet-val\r\n");
    r = CliRunner.run("tabular", "--data", empty.toString(), "--metric", "cifar10-val", "--strategy", "random", "--queries", "10");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("has a header but no rows");
  }

  /** The shipped example runs as it stands, from another working directory too (paths are relative to it). */
  @Test
  void theShippedExampleRuns() throws Exception {
    Path out = dir.resolve("example");
    var r = CliRunner.run("search", "--config", Path.of("examples", "nasbench201-evolution.yaml").toAbsolutePath().toString(),
        "--output", out.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(out.resolve("best/architecture.json")).isRegularFile();
  }

  /** --per-seed writes the distribution behind the printed means, one row per strategy, seed and budget. */
  @Test
  void perSeedCsvHoldsTheDistributionBehindTheMeans() throws Exception {
    Path csv = dir.resolve("seeds.csv");
    var r = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar10-val", "--strategy", "random",
        "--strategy", "evolution", "--queries", "20,200", "--seeds", "4", "--first-seed", "7", "--per-seed", csv.toString(), "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = Json.MAPPER.readTree(r.out());
    double optimum = report.path("optimum").asDouble();
    java.util.List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("strategy,seed,queries,best,regret,first_optimum");
    assertThat(lines).hasSize(1 + 2 * 2 * 4);
    for (JsonNode res : report.path("results")) {
      String prefix = res.path("strategy").asText() + ",";
      int queries = res.path("queries").asInt();
      double sum = 0;
      int found = 0;
      java.util.Set<Integer> seeds = new java.util.TreeSet<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (!line.startsWith(prefix) || Integer.parseInt(f[2]) != queries) {
          continue;
        }
        seeds.add(Integer.parseInt(f[1]));
        double best = Double.parseDouble(f[3]);
        assertThat(Double.parseDouble(f[4])).isCloseTo(optimum - best, org.assertj.core.data.Offset.offset(1e-9));
        int first = Integer.parseInt(f[5]);
        // reached the optimum by this budget exactly when its first query at the optimum is within it
        assertThat(best == optimum).as(line).isEqualTo(first > 0 && first <= queries);
        sum += best;
        found += best == optimum ? 1 : 0;
      }
      assertThat(seeds).containsExactly(7, 8, 9, 10);
      assertThat(sum / 4).isCloseTo(res.path("mean_best").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(found / 4.0).isEqualTo(res.path("found_optimum").asDouble());
    }
    // evolution reaches the optimum within 200 queries in some seed: the column is not all -1
    assertThat(lines).anyMatch(l -> !l.endsWith(",-1") && !l.startsWith("strategy"));

    var bad = CliRunner.run("tabular", "--data", NB201.toString(), "--metric", "cifar10-val", "--strategy", "random",
        "--queries", "10", "--seeds", "1", "--per-seed", dir.resolve("no-such-folder").resolve("x.csv").toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--per-seed").contains("existing folder");
  }
}
