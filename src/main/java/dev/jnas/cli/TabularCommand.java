package dev.jnas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.jnas.evaluate.tabular.MetricTable;
import dev.jnas.evaluate.tabular.MetricTables;
import dev.jnas.evaluate.tabular.NasBench201Table;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.experiment.tabular.TabularBenchmark;
import dev.jnas.strategy.Strategies;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, 
    name = "tabular",
    description = "Simulate many searches over a tabular benchmark and report mean best, regret and how often the optimum was found.")
final class TabularCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--benchmark", defaultValue = "nasbench201", description = "nasbench201 or table (default: ${DEFAULT-VALUE})")
  String benchmark;

  @Option(names = "--data", required = true, description = "the benchmark's table file (NAS-Bench-201 CSV, or a keyed JSON/CSV table)")
  Path data;

  @Option(names = "--metric", required = true, description = "column to maximise, e.g. cifar10-val")
  String metric;

  @Option(names = "--strategy", required = true, description = "strategy to simulate (repeatable)")
  List<String> strategies;

  @Option(names = "--params", description = "strategy parameters as JSON, e.g. --params evolution='{\"population\":20}'")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--queries", required = true, split = ",", description = "query budgets, e.g. 100,300,1000 (each at most " + TabularBenchmark.MAX_QUERIES + ")")
  List<Integer> queries;

  @Option(names = "--seeds", defaultValue = "100", description = "seeds per strategy, at most " + TabularBenchmark.MAX_SEEDS + " (default: ${DEFAULT-VALUE})")
  int seeds;

  @Option(names = "--first-seed", defaultValue = "0", description = "seeds run from this one (default: ${DEFAULT-VALUE}): check on"
      + " fresh seeds a setting chosen on the first ones")
  long firstSeed;

  @Option(names = "--per-seed", paramLabel = "FILE",
      description = "also write every seed's result as CSV to FILE: strategy, seed, queries, best, regret, first_optimum "
          + "(the query at which the seed first reached the optimum, -1 if never)")
  private Path perSeed;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    dev.jnas.api.EngineThreads.forControllerOnly(); // before a reinforce controller starts the engine
    if (!benchmark.equals("nasbench201") && !benchmark.equals("table")) {
      throw new BadInputException("unknown benchmark '" + benchmark + "' (valid: nasbench201, table)");
    }
    for (int q : queries) {
      if (q < 1 || q > TabularBenchmark.MAX_QUERIES) {
        throw new BadInputException(
            String.format(Locale.ROOT, "--queries %d is out of range: each budget must be 1..%,d", q, TabularBenchmark.MAX_QUERIES));
      }
    }
    if (seeds < 1 || seeds > TabularBenchmark.MAX_SEEDS) {
      throw new BadInputException(
          String.format(Locale.ROOT, "--seeds %d is out of range: must be 1..%,d", seeds, TabularBenchmark.MAX_SEEDS));
    }
    if (firstSeed < 0) {
      throw new BadInputException("--first-seed " + firstSeed + " is out of range: must be 0 or more");
    }
    strategies.forEach(Strategies::provider);
    for (String s : params.keySet()) {
      if (!strategies.contains(s)) {
        throw new BadInputException("--params names strategy '" + s + "', which no --strategy selects");
      }
    }
    if (perSeed != null) {
      Path parent = perSeed.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent) || Files.isDirectory(perSeed)) {
        throw new BadInputException("--per-seed " + perSeed + ": needs a file in an existing folder");
      }
    }
    MetricTable table = benchmark.equals("nasbench201") ? NasBench201Table.load(data) : MetricTables.load(data, null);
    TabularEvaluator evaluator = new TabularEvaluator(table, metric);
    Map<String, JsonNode> withParams = new LinkedHashMap<>();
    for (String s : strategies) {
      withParams.put(s, params.containsKey(s) ? JsonFlags.object("--params " + s, params.get(s)) : Json.MAPPER.createObjectNode());
    }
    TabularBenchmark bench = new TabularBenchmark(benchmark, evaluator);
    long t0 = System.nanoTime();
    List<TabularBenchmark.Result> results = bench.run(withParams, queries, seeds, firstSeed);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (perSeed != null) {
      writePerSeed(results, evaluator.optimum());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(bench.toJson(results)));
      return 0;
    }
    out.printf(Locale.ROOT, "%s %s: optimum %.3f, %d seeds%s (%.1f s)%n", benchmark, metric, evaluator.optimum(), seeds,
        firstSeed == 0 ? "" : " from seed " + firstSeed, seconds);
    out.printf(Locale.ROOT, "%-12s %8s %10s %12s %14s %14s%n", "strategy", "queries", "mean_best", "mean_regret", "found_optimum", "queries/s");
    for (var r : results) {
      out.printf(Locale.ROOT, "%-12s %8d %10.3f %12.3f %14.2f %,14.0f%n", r.strategy(), r.queries(), r.meanBest(), r.meanRegret(), r.foundOptimum(), r.queriesPerSecond());
    }
    return 0;
  }

  /** One CSV row per strategy, seed and budget (Jackson's CSV writer; NaN bests as empty cells). */
  private void writePerSeed(List<TabularBenchmark.Result> results, double optimum) throws java.io.IOException {
    CsvSchema schema =
        CsvSchema.builder()
            .addColumn("strategy").addColumn("seed").addColumn("queries").addColumn("best").addColumn("regret")
            .addColumn("first_optimum").build().withHeader();
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (var r : results) {
      for (int i = 0; i < r.bestBySeed().length; i++) {
        double best = r.bestBySeed()[i];
        boolean none = Double.isNaN(best);
        rows.add(java.util.Arrays.asList(r.strategy(), firstSeed + i, r.queries(), none ? null : best,
            none ? null : optimum - best, r.firstOptimumBySeed()[i]));
      }
    }
    new CsvMapper().writer(schema).writeValue(perSeed.toFile(), rows);
  }
}
