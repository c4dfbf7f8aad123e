package dev.jnas.experiment.tabular;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.evaluate.tabular.TabularEvaluator;
import dev.jnas.strategy.Strategies;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Simulates many searches on a table: for each strategy and seed 0..n-1, a sequential
 * ask(1)/evaluate/tell loop, recording the best metric found after each number of queries. Each
 * seed runs once up to the largest budget; smaller budgets read the best-so-far curve. A query
 * is one evaluation, repeated or INVALID ones included.
 */
public final class TabularBenchmark {
  /**
   * One strategy at one query budget, averaged over seeds.
   *
   * @param meanBest mean best metric over the seeds that found any valid architecture
   * @param meanRegret the mean over the same seeds of optimum - best (never below 0, unlike
   *     optimum - meanBest, whose rounding printed -0.000 when every seed found the optimum)
   * @param foundOptimum fraction of seeds whose best equals the table's optimum
   * @param queriesPerSecond throughput of this strategy's simulated searches (all its seeds, up to
   *     the largest budget), through the experiment loop; not part of the JSON report
   * @param bestBySeed each seed's best metric after {@code queries} queries (NaN: nothing valid),
   *     seeds in order: the distribution behind the means
   * @param firstOptimumBySeed the query (1-based) at which each seed first reached the optimum
   *     within the largest budget, or -1: the same for every budget of a strategy
   */
  public record Result(
      String strategy, int queries, int seeds, double meanBest, double meanRegret, double foundOptimum, double queriesPerSecond,
      double[] bestBySeed, int[] firstOptimumBySeed) {}

  /**
   * The largest query budget: one simulated search keeps every trial in memory (a few hundred
   * bytes each), so this bounds it to tens of MB; NAS-Bench-201 has 15,625 architectures.
   */
  public static final int MAX_QUERIES = 100_000;

  /** The most seeds per strategy; memory no longer grows with them, run time does (linearly). */
  public static final int MAX_SEEDS = 100_000;

  private final String benchmark;
  private final TabularEvaluator evaluator;

  /**
   * @param benchmark name written to the JSON report (e.g. nasbench201)
   * @param evaluator the table look-up, with its metric
   */
  public TabularBenchmark(String benchmark, TabularEvaluator evaluator) {
    this.benchmark = benchmark;
    this.evaluator = evaluator;
  }

  /** Runs each named strategy with its default parameters. */
  public List<Result> run(List<String> strategies, List<Integer> budgets, int seeds) {
    Map<String, JsonNode> withDefaults = new LinkedHashMap<>();
    strategies.forEach(s -> withDefaults.put(s, Json.MAPPER.createObjectNode()));
    return run(withDefaults, budgets, seeds);
  }

  /**
   * @param strategies strategy name to its parameters, in report order
   * @param budgets query budgets, 1..{@link #MAX_QUERIES}
   * @param seeds number of seeds, 0..seeds-1, at most {@link #MAX_SEEDS}
   * @return one result per strategy and budget, budgets ascending
   */
  public List<Result> run(Map<String, JsonNode> strategies, List<Integer> budgets, int seeds) {
    return run(strategies, budgets, seeds, 0);
  }

  /**
   * As {@link #run(Map, List, int)} on seeds {@code firstSeed..firstSeed+seeds-1}: a setting chosen
   * on seeds 0..99 is checked on seeds nobody tuned it on.
   */
  public List<Result> run(Map<String, JsonNode> strategies, List<Integer> budgets, int seeds, long firstSeed) {
    if (seeds < 1 || seeds > MAX_SEEDS) {
      throw new BadInputException("seeds must be 1.." + MAX_SEEDS + ", got " + seeds);
    }
    if (firstSeed < 0 || firstSeed > Long.MAX_VALUE - seeds) {
      throw new BadInputException("the first seed must be 0 or more, got " + firstSeed);
    }
    TreeSet<Integer> sorted = new TreeSet<>(budgets);
    if (sorted.isEmpty() || sorted.first() < 1 || sorted.last() > MAX_QUERIES) {
      throw new BadInputException("query budgets must be integers in 1.." + MAX_QUERIES + ", got " + budgets);
    }
    int maxQueries = sorted.last();
    int[] at = sorted.stream().mapToInt(Integer::intValue).toArray();
    double optimum = evaluator.optimum();
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, JsonNode> s : strategies.entrySet()) {
      // best[seed][b]: the best after at[b] queries; only the budgets are kept, not whole curves
      double[][] best = new double[seeds][at.length];
      int[] firstOptimum = new int[seeds];
      long t0 = System.nanoTime();
      for (int i = 0; i < seeds; i++) {
        double[] curve = bestCurve(s.getKey(), s.getValue(), firstSeed + i, maxQueries);
        for (int b = 0; b < at.length; b++) {
          best[i][b] = curve[at[b] - 1];
        }
        firstOptimum[i] = -1;
        for (int q = 0; q < curve.length; q++) {
          if (curve[q] == optimum) {
            firstOptimum[i] = q + 1;
            break;
          }
        }
      }
      double qps = (double) seeds * maxQueries / ((System.nanoTime() - t0) / 1e9);
      for (int b = 0; b < at.length; b++) {
        double sum = 0;
        double regretSum = 0; // summed per seed: exactly 0 when every seed found the optimum
        int found = 0;
        int withResult = 0;
        for (double[] seedBest : best) {
          double v = seedBest[b];
          if (!Double.isNaN(v)) {
            sum += v;
            regretSum += optimum - v;
            withResult++;
            found += v == optimum ? 1 : 0;
          }
        }
        double meanBest = withResult == 0 ? Double.NaN : sum / withResult;
        double meanRegret = withResult == 0 ? Double.NaN : regretSum / withResult;
        double[] bySeed = new double[seeds];
        for (int i = 0; i < seeds; i++) {
          bySeed[i] = best[i][b];
        }
        results.add(
            new Result(s.getKey(), at[b], seeds, meanBest, meanRegret, (double) found / seeds, qps, bySeed, firstOptimum));
      }
    }
    return results;
  }

  /**
   * One search: element i is the best metric after i + 1 queries (NaN while nothing valid was
   * found). A strategy that stops proposing keeps its best for the remaining budget.
   */
  public double[] bestCurve(String strategy, JsonNode params, long seed, int maxQueries) {
    if (maxQueries < 1 || maxQueries > MAX_QUERIES) {
      throw new BadInputException("query budget must be 1.." + MAX_QUERIES + ", got " + maxQueries);
    }
    // Through the real experiment loop (in-memory store, inline evaluation), so simulated searches
    // exercise exactly what a trained search runs.
    Strategy s = Strategies.create(strategy, evaluator.space(), params, seed);
    double[] curve = new double[maxQueries];
    int[] done = {0};
    double[] best = {Double.NaN};
    ExperimentListener track =
        new ExperimentListener() {
          @Override
          public void onTrialEnd(TrialRecord trial, TrialRecord bestTrial) {
            if (bestTrial != null) {
              best[0] = bestTrial.result().reward();
            }
            curve[done[0]++] = best[0];
          }
        };
    InMemoryTrialStore store = new InMemoryTrialStore(false);
    store.createExperiment(benchmark, "{}", "{}");
    try {
      new ExperimentRunner(evaluator.space(), s, evaluator, store, new RunSettings(maxQueries, null, 1, seed, 0), track).run();
    } finally {
      if (s instanceof AutoCloseable c) { // e.g. the RL controller's native memory
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot close strategy " + strategy, e);
        }
      }
    }
    for (int i = done[0]; i < maxQueries; i++) {
      curve[i] = best[0]; // exhausted: nothing left to query
    }
    return curve;
  }

  /**
   * The report: {"benchmark", "metric", "optimum", "results": [{"strategy", "queries", "seeds",
   * "mean_best", "mean_regret", "found_optimum"}]}.
   */
  public ObjectNode toJson(List<Result> results) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("benchmark", benchmark);
    o.put("metric", evaluator.metric());
    o.put("optimum", evaluator.optimum());
    ArrayNode a = o.putArray("results");
    for (Result r : results) {
      a.addObject()
          .put("strategy", r.strategy())
          .put("queries", r.queries())
          .put("seeds", r.seeds())
          .put("mean_best", r.meanBest())
          .put("mean_regret", r.meanRegret())
          .put("found_optimum", r.foundOptimum());
    }
    return o;
  }
}
