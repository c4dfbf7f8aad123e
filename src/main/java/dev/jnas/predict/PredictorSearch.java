package dev.jnas.predict;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.StrategyParams;
import dev.jnas.strategy.StrategyProvider;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Sequential model-based search with a learned predictor (BANANAS-style, White et al. 2021): after
 * {@code initial} random architectures, fit the predictor on every result so far, score a pool of
 * candidates (every unevaluated neighbour of the {@code mutate_top} best architectures, plus
 * {@code candidates} random samples, or the whole rest of the space when that is smaller), and
 * evaluate the {@code batch} best by the acquisition function; repeat.
 *
 * <p>Acquisitions over the ensemble's mean mu and spread sigma: {@code greedy} (mu), {@code ucb}
 * (mu + kappa sigma), {@code ei} (expected improvement over the best reward so far), {@code its}
 * (independent Thompson sampling: one draw from N(mu, sigma) per candidate, BANANAS's default).
 *
 * <p>Targets: {@code raw} rewards, {@code rank} (normal scores of their ranks) or {@code log}
 * (-log(best + s - reward), s = {@code log_scale} x the rewards' spread: differences among the
 * best stretched). With {@code exhaust_after} > 0, a search whose best has not improved for that
 * many rounds evaluates the best's remaining neighbours first. With {@code restart_after} > 0, a
 * search whose best has not improved for that many rounds starts a new run: {@code restart_initial}
 * fresh random architectures ({@code initial} when 0), then a predictor fitted on the new run's
 * results only; with {@code restart_settled} (and {@code exhaust_after} > 0) it starts one as soon
 * as the run's best is settled, every neighbour evaluated and none better (the stalled rounds that
 * would follow seldom leave a settled best: BENCHMARKS.md). A predictor fitted on one run's results
 * believes what its first samples suggested; where the best region is two or more changes away and
 * every single change towards it looks bad, only fresh data shows it.
 * Nothing evaluated is asked again, and the search's best is the best of all runs. With {@code
 * reuse}, an architecture of an earlier run that the new run's acquisition picks joins the new
 * run's results without a query: the new run makes its own choices, but retracing ground an
 * earlier run covered costs nothing, so a run that heads into an explored region stalls and
 * restarts after few queries.
 *
 * <p>A run's random start is, with {@code initial_design: balanced}, drawn so that every option of
 * every decision turns up about equally often (each pick the least-used of 50 samples): the first
 * fit then sees each option's effect in several contexts, where an unlucky uniform start leaves
 * some options unseen or seen once.
 *
 * <p>Architectures are tokens of their decisions ({@link DecisionTokens}), so the search runs on
 * any space. The predictor is refitted from scratch with a seed derived from the experiment's at
 * every round (its seed drawn from the strategy's generator, which snapshots carry), so a
 * restored search predicts what the original did. A failed trial counts as
 * evaluated (never asked again) but is left out of the fit.
 */
public final class PredictorSearch implements Strategy, AutoCloseable {
  public static final String NAME = "predictor";
  /**
   * Parameters newer than the first snapshots, at the values those ran with (no restarts, no
   * reuse; a restart's random start as long as the first, no restart on a settled best, and
   * random starts drawn uniformly).
   */
  private static final ObjectNode ADDED =
      Json.MAPPER.createObjectNode()
          .put("restart_after", 0)
          .put("reuse", false)
          .put("restart_initial", 0)
          .put("restart_settled", false)
          .put("initial_design", "random");
  static final List<String> ACQUISITIONS = List.of("greedy", "ucb", "ei", "its");
  /** The standard normal (immutable: its generator is never used, only its density and quantiles). */
  private static final NormalDistribution UNIT = new NormalDistribution(null, 0, 1);

  /** The parameters a config may give. */
  record Given(
      Integer initial,
      Integer batch,
      Integer candidates,
      @JsonProperty("mutate_top") Integer mutateTop,
      String acquisition,
      Double kappa,
      String target,
      Integer members,
      Integer hidden,
      Integer steps,
      @JsonProperty("learning_rate") Double learningRate,
      @JsonProperty("exhaust_after") Integer exhaustAfter,
      @JsonProperty("log_scale") Double logScale,
      @JsonProperty("restart_after") Integer restartAfter,
      Boolean reuse,
      @JsonProperty("restart_initial") Integer restartInitial,
      @JsonProperty("restart_settled") Boolean restartSettled,
      @JsonProperty("initial_design") String initialDesign) {}

  private final SearchSpace space;
  private final ObjectNode params;
  private final int initial;
  private final int batch;
  private final int candidates;
  private final int mutateTop;
  private final String acquisition;
  private final double kappa;
  private final String target;
  private final int exhaustAfter;
  private final double logScale;
  private final int restartAfter;
  private final boolean reuse;
  private final int restartInitial;
  private final boolean restartSettled;
  private final boolean balanced;
  private final MlpEnsemble.Settings settings;
  private final Rng rng;
  private final DecisionTokens tokens;
  private MlpEnsemble predictor;
  /** Every evaluated architecture's reward (NaN: failed), by canonical string, in tell order. */
  private final Map<String, Double> seen = new LinkedHashMap<>();
  private final Set<String> outstanding = new LinkedHashSet<>();
  private final Deque<Architecture> queue = new ArrayDeque<>();
  private int fits;
  private boolean exhausted;
  /** The best reward at the last refill, and how many refills since it last improved. */
  private double lastBest = Double.NEGATIVE_INFINITY;
  private int staleRounds;
  /** How many of {@link #seen}'s entries came before the current run (0 until a restart). */
  private int runStart;
  /** Architectures of earlier runs the current run's acquisition picked: results it got for free. */
  private final Set<String> reused = new LinkedHashSet<>();

  public PredictorSearch(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    Given g = p.values();
    this.initial = p.integer("initial", g.initial(), 20, 2, 1_000_000);
    this.batch = p.integer("batch", g.batch(), 10, 1, 100_000);
    this.candidates = p.integer("candidates", g.candidates(), 1000, 0, 1_000_000);
    this.mutateTop = p.integer("mutate_top", g.mutateTop(), 3, 0, 100_000);
    this.acquisition = p.choice("acquisition", g.acquisition(), "its", ACQUISITIONS);
    this.kappa = p.number("kappa", g.kappa(), 0.5, 0, 100);
    this.target = p.choice("target", g.target(), "log", List.of("raw", "rank", "log"));
    this.exhaustAfter = p.integer("exhaust_after", g.exhaustAfter(), 2, 0, 1_000_000);
    this.logScale = p.number("log_scale", g.logScale(), 0.3, 1e-6, 100);
    this.restartAfter = p.integer("restart_after", g.restartAfter(), 4, 0, 1_000_000);
    this.reuse = p.bool("reuse", g.reuse(), false);
    this.restartInitial = p.integer("restart_initial", g.restartInitial(), 10, 0, 1_000_000);
    this.restartSettled = p.bool("restart_settled", g.restartSettled(), true);
    this.balanced = p.choice("initial_design", g.initialDesign(), "balanced", List.of("balanced", "random")).equals("balanced");
    this.settings =
        new MlpEnsemble.Settings(
            p.integer("members", g.members(), 5, 1, 100),
            p.integer("hidden", g.hidden(), 64, 1, 4096),
            2,
            p.integer("steps", g.steps(), 150, 1, 100_000),
            p.number("learning_rate", g.learningRate(), 0.01, 1e-6, 10));
    this.params = p.resolved();
    this.space = space;
    this.rng = Rng.of(Rng.derive(seed, 0));
    this.tokens = new DecisionTokens(space);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    while (out.size() < n && !exhausted) {
      Architecture next;
      if (!queue.isEmpty()) {
        next = queue.poll();
        if (isKnown(space.encode(next))) {
          continue;
        }
      } else if (runSize() + outstanding.size() < runInitial() || validCount() < 2 && outstanding.isEmpty()) {
        next = startSample();
        if (next == null) {
          exhausted = true;
          break;
        }
      } else if (runSize() < runInitial() || validCount() < 2) {
        break; // the random start is being evaluated: its results make the first fit
      } else {
        refill();
        continue;
      }
      outstanding.add(space.encode(next));
      out.add(next);
    }
    return out;
  }

  @Override
  public List<Architecture> replayAsk(List<Architecture> stored) {
    // The predictor runs on libtorch, whose sums may differ in the last bits in another process
    // (another thread count): take the stored proposals as this ask's, as the controller does.
    for (Architecture a : ask(stored.size())) {
      outstanding.remove(space.encode(a));
    }
    for (Architecture a : stored) {
      outstanding.add(space.encode(a));
      queue.remove(a);
    }
    return stored;
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    String key = space.encode(arch);
    outstanding.remove(key);
    seen.put(key, reward.isPresent() ? reward.getAsDouble() : Double.NaN);
  }

  @Override
  public boolean isExhausted() {
    return exhausted;
  }

  /** The random start of the current run: {@code initial} for the first, then {@code restart_initial}. */
  private int runInitial() {
    return runStart > 0 && restartInitial > 0 ? restartInitial : initial;
  }

  /**
   * True when every neighbour of the run's best has a result (from any run) and none is better:
   * the run has settled in a local optimum, which the predictor's single changes cannot leave.
   */
  private boolean settled() {
    String best = bestKey();
    if (best == null) {
      return false;
    }
    double b = seen.get(best);
    for (Architecture a : space.neighbours(space.decode(best))) {
      Double v = seen.get(space.encode(a));
      if (v == null || v > b) {
        return false;
      }
    }
    return true;
  }

  private boolean isKnown(String key) {
    return seen.containsKey(key) || outstanding.contains(key);
  }

  private int validCount() {
    return (int) run().stream().filter(e -> !e.getValue().isNaN()).count();
  }

  private int runSize() {
    return seen.size() - runStart;
  }

  /** The current run's results: those reused from earlier runs, then its own in tell order. */
  private List<Map.Entry<String, Double>> run() {
    List<Map.Entry<String, Double>> out = new ArrayList<>();
    for (String k : reused) {
      out.add(Map.entry(k, seen.get(k)));
    }
    seen.entrySet().stream().skip(runStart).forEach(out::add);
    return out;
  }

  /** How many random architectures a balanced start's every pick is chosen from. */
  private static final int BALANCED_DRAWS = 50;

  /**
   * The next architecture of a run's random start: with {@code initial_design: balanced}, of {@link
   * #BALANCED_DRAWS} fresh samples the one whose choices the run has made least often so far (the
   * smallest sum of squared counts), so that every option of every decision turns up about equally
   * often in the results the first fit learns from; otherwise one fresh sample. Null when none is
   * left.
   */
  private Architecture startSample() {
    if (!balanced) {
      return freshSample();
    }
    Map<Integer, Integer> count = new HashMap<>();
    List<String> made = new ArrayList<>(runKeys());
    made.addAll(outstanding);
    for (String k : made) {
      for (int t : tokens.tokens(space.decode(k))) {
        count.merge(t, 1, Integer::sum);
      }
    }
    Architecture best = null;
    long fewest = Long.MAX_VALUE;
    for (int i = 0; i < BALANCED_DRAWS; i++) {
      Architecture a = freshSample();
      if (a == null) {
        break;
      }
      long score = 0;
      for (int t : tokens.tokens(a)) {
        long c = count.getOrDefault(t, 0);
        score += c * c;
      }
      if (score < fewest) {
        fewest = score;
        best = a;
      }
    }
    return best;
  }

  /** A random architecture not evaluated or asked yet, or null when 1,000 draws found none. */
  private Architecture freshSample() {
    for (int i = 0; i < 1000; i++) {
      Architecture a = space.sample(rng);
      if (!isKnown(space.encode(a))) {
        return a;
      }
    }
    return null;
  }

  /** Fits the predictor on every result and queues the best {@code batch} candidates. */
  private void refill() {
    boolean stale = stagnant();
    if (restartAfter > 0 && (staleRounds >= restartAfter || restartSettled && stale && settled())) {
      // a new run: random start, then a predictor fitted on its own results only
      runStart = seen.size();
      reused.clear();
      lastBest = Double.NEGATIVE_INFINITY;
      staleRounds = 0;
      return;
    }
    List<Architecture> pool = stale ? openNeighboursOfBest() : List.of();
    if (pool.isEmpty()) {
      pool = pool();
    }
    if (pool.isEmpty()) {
      exhausted = true;
      return;
    }
    List<int[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (Map.Entry<String, Double> e : run()) {
      if (!e.getValue().isNaN()) {
        x.add(tokens.tokens(space.decode(e.getKey())));
        y.add(e.getValue());
      }
    }
    if (predictor == null) {
      predictor = new MlpEnsemble(tokens.spec(), settings);
    }
    double[] fitTo = y.stream().mapToDouble(Double::doubleValue).toArray();
    if (target.equals("rank")) {
      fitTo = normalScores(fitTo);
    } else if (target.equals("log")) {
      fitTo = towardsTheBest(fitTo, logScale);
    }
    predictor.fit(x, fitTo, rng.nextLong());
    fits++;
    double[][] p = predictor.predict(pool.stream().map(tokens::tokens).toList());
    double best = java.util.Arrays.stream(fitTo).max().orElse(Double.NaN);
    double[] score = new double[pool.size()];
    for (int i = 0; i < pool.size(); i++) {
      score[i] = acquire(p, i, best);
    }
    Integer[] order = new Integer[pool.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // ties keep pool order, which is deterministic, so equal scores cannot reorder a resumed search
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -score[i]));
    for (int i = 0; i < Math.min(batch, order.length); i++) {
      Architecture a = pool.get(order[i]);
      String key = space.encode(a);
      if (seen.containsKey(key)) {
        // an earlier run evaluated it: the result joins this run without a query
        reused.add(key);
      } else {
        queue.add(a);
      }
    }
  }

  /** The evaluated architecture with the highest reward (the first of equals), or null. */
  private String bestKey() {
    String best = null;
    for (Map.Entry<String, Double> e : run()) {
      if (!e.getValue().isNaN() && (best == null || e.getValue() > seen.get(best))) {
        best = e.getKey();
      }
    }
    return best;
  }

  /**
   * Counts the refills since the best reward last improved; true when there have been {@code
   * exhaust_after} of them (0: never).
   */
  private boolean stagnant() {
    String key = bestKey();
    double best = key == null ? Double.NaN : seen.get(key);
    if (best > lastBest) {
      lastBest = best;
      staleRounds = 0;
    } else {
      staleRounds++;
    }
    return exhaustAfter > 0 && staleRounds >= exhaustAfter;
  }

  /**
   * The best architecture's neighbours not evaluated, asked or queued yet. The predictor scores
   * neighbours by what their decisions do on average, so a neighbour whose one change pays only in
   * this combination ranks low round after round; when the search stalls, evaluating the whole
   * neighbourhood (as local search does) settles whether the best is a local optimum.
   */
  private List<Architecture> openNeighboursOfBest() {
    String best = bestKey();
    LinkedHashMap<String, Architecture> open = new LinkedHashMap<>();
    if (best != null) {
      for (Architecture a : space.neighbours(space.decode(best))) {
        addCandidate(open, a, this::isKnown);
      }
    }
    return new ArrayList<>(open.values());
  }

  /**
   * Each value's rank as a standard normal quantile: the predictor then spends its capacity on the
   * order, the same among the best as among the worst, however skewed the rewards are.
   */
  static double[] normalScores(double[] v) {
    double[] ranks = new org.apache.commons.math3.stat.ranking.NaturalRanking().rank(v);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = UNIT.inverseCumulativeProbability((ranks[i] - 0.5) / v.length);
    }
    return out;
  }

  /**
   * -log(best + s - y), s a fraction of the rewards' spread: the same order, but differences among
   * the best stretched and those among the worst compressed, so the fit spends its capacity where
   * the search decides.
   */
  static double[] towardsTheBest(double[] v, double fraction) {
    double max = org.apache.commons.math3.stat.StatUtils.max(v);
    double s = fraction * Math.sqrt(org.apache.commons.math3.stat.StatUtils.populationVariance(v));
    if (!(s > 0)) {
      s = 1;
    }
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = -Math.log(max + s - v[i]);
    }
    return out;
  }

  private double acquire(double[][] p, int i, double best) {
    int m = p.length;
    double mean = 0;
    for (double[] member : p) {
      mean += member[i];
    }
    mean /= m;
    double var = 0;
    for (double[] member : p) {
      var += (member[i] - mean) * (member[i] - mean);
    }
    double sd = m > 1 ? Math.sqrt(var / (m - 1)) : 0;
    switch (acquisition) {
      case "greedy":
        return mean;
      case "ucb":
        return mean + kappa * sd;
      case "its":
        return mean + sd * gaussian();
      default: // ei
        if (sd <= 0) {
          return Math.max(mean - best, 0);
        }
        double z = (mean - best) / sd;
        return (mean - best) * UNIT.cumulativeProbability(z) + sd * UNIT.density(z);
    }
  }

  private double gaussian() {
    double u = 1 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /**
   * Candidates not evaluated, asked or queued: the neighbours of the best architectures (in
   * order of their reward), then random samples; the whole remaining space when it is enumerable
   * and no larger than the pool would be.
   */
  private List<Architecture> pool() {
    LinkedHashMap<String, Architecture> pool = new LinkedHashMap<>();
    if (space.isEnumerable() && space.size().compareTo(java.math.BigInteger.valueOf(candidates)) <= 0) {
      space.enumerate().forEach(a -> addCandidate(pool, a, this::isKnown));
      return new ArrayList<>(pool.values());
    }
    List<Map.Entry<String, Double>> ranked = new ArrayList<>(run());
    ranked.removeIf(e -> e.getValue().isNaN());
    ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    // after a restart, earlier runs' architectures stay candidates: picking one costs no query
    Predicate<String> taken = this::isKnown;
    if (reuse && runStart > 0) {
      Set<String> run = runKeys();
      taken = key -> run.contains(key) || outstanding.contains(key);
    }
    for (int i = 0; i < Math.min(mutateTop, ranked.size()); i++) {
      for (Architecture a : space.neighbours(space.decode(ranked.get(i).getKey()))) {
        addCandidate(pool, a, taken);
      }
    }
    int target = pool.size() + candidates;
    for (int draws = 0; pool.size() < target && draws < 10 * candidates; draws++) {
      addCandidate(pool, space.sample(rng), taken);
    }
    return new ArrayList<>(pool.values());
  }

  private Set<String> runKeys() {
    Set<String> keys = new java.util.HashSet<>(reused);
    seen.keySet().stream().skip(runStart).forEach(keys::add);
    return keys;
  }

  /** Adds {@code a} unless {@code taken} holds its key or it is queued already. */
  private void addCandidate(Map<String, Architecture> pool, Architecture a, Predicate<String> taken) {
    String key = space.encode(a);
    if (!taken.test(key) && !queue.contains(a)) {
      pool.putIfAbsent(key, a);
    }
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", NAME);
    s.set("params", params.deepCopy());
    StrategyParams.putRewards(s, "seen", seen);
    ArrayNode o = s.putArray("outstanding");
    outstanding.forEach(o::add);
    ArrayNode q = s.putArray("queue");
    queue.forEach(a -> q.add(space.encode(a)));
    s.put("fits", fits);
    s.put("exhausted", exhausted);
    if (Double.isFinite(lastBest)) {
      s.put("last_best", lastBest);
    }
    s.put("stale_rounds", staleRounds);
    s.put("run_start", runStart);
    ArrayNode r = s.putArray("reused");
    reused.forEach(r::add);
    s.put("rng", rng.saveState());
    return s;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    Map<String, Double> s = StrategyParams.rewards(snapshot, "seen", space);
    List<String> o = new ArrayList<>();
    for (JsonNode a : StrategyParams.field(snapshot, "outstanding")) {
      o.add(space.encode(space.decode(a.asText())));
    }
    List<Architecture> q = new ArrayList<>();
    for (JsonNode a : StrategyParams.field(snapshot, "queue")) {
      q.add(space.decode(a.asText()));
    }
    int f = StrategyParams.field(snapshot, "fits").asInt();
    String state = StrategyParams.field(snapshot, "rng").asText();
    seen.clear();
    seen.putAll(s);
    outstanding.clear();
    outstanding.addAll(o);
    queue.clear();
    queue.addAll(q);
    fits = f;
    exhausted = snapshot.path("exhausted").asBoolean(false);
    // snapshots written before exhaust_after existed have neither: a fresh count is what they meant
    lastBest = snapshot.has("last_best") ? snapshot.get("last_best").asDouble() : Double.NEGATIVE_INFINITY;
    staleRounds = snapshot.path("stale_rounds").asInt(0);
    runStart = Math.min(snapshot.path("run_start").asInt(0), seen.size());
    reused.clear();
    for (JsonNode k : snapshot.path("reused")) {
      String key = space.encode(space.decode(k.asText()));
      if (seen.containsKey(key)) {
        reused.add(key);
      }
    }
    rng.restoreState(state);
  }

  @Override
  public void close() {
    if (predictor != null) {
      predictor.close();
      predictor = null;
    }
  }

  /** Registers {@code predictor}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "model-based search with an MLP-ensemble predictor (BANANAS-style): initial, batch, candidates,"
          + " mutate_top, acquisition (greedy|ucb|ei|its), kappa, target (raw|rank|log), log_scale, members, hidden, steps,"
          + " learning_rate, exhaust_after, restart_after, restart_initial, restart_settled, reuse,"
          + " initial_design (balanced|random)";
    }

    @Override
    public boolean usesEngine() {
      return true;
    }

    @Override
    public ObjectNode addedParams() {
      return ADDED.deepCopy();
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new PredictorSearch(space, params, seed);
    }
  }
}
