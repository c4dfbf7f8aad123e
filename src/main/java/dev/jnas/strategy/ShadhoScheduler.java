package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * SHADHO's heuristics (Kinnison et al., WACV 2018) over a space's subspaces, engine-free and
 * without threads, so the in-process strategy ({@link Shadho}) and a distributed scheduler share
 * them: complexity C(s) ({@link Subspace#complexity}), priority P(L) = 1/min(L) - 1/max(L) over
 * a subspace's observed losses (loss = 1 - reward), a ranking by both, the choice of the
 * subspace of the next trial, and the assignment of subspaces to workers by measured speed.
 *
 * <p><b>Ranking.</b> Each subspace gets its rank by complexity and its rank by priority (1 = the
 * lowest; equal values share a rank); they are multiplied and the subspaces sorted by the product,
 * highest first (ties: the more complex first, then the earlier). The source ({@code
 * pyrameter/optimizer.py:sort_spaces}) multiplies {@code argsort} output instead of ranks, which
 * orders neither by complexity nor by priority, and sorts ascending; we follow the paper's intent
 * (larger, less certain subspaces get more trials and the faster hardware).
 *
 * <p><b>Choice.</b> A subspace that has had no trial yet goes first (in ranking order); after
 * that, position k of the ranking is drawn with probability proportional to {@code exp(-decay *
 * k)}, the Planck distribution pyrameter's {@code generate} draws sorted spaces with (decay 0.5).
 *
 * <p><b>Workers.</b> {@link #assign} maps the ranking onto the workers ordered fastest first, as
 * {@code shadho.py:assign_to_ccs} maps spaces onto compute classes: proportionally, each
 * subspace to its worker and to a neighbouring one (the next below the middle, the previous
 * above), so every subspace has at least two workers and every worker at least one subspace.
 */
public final class ShadhoScheduler {
  /** Losses are clamped to this before inverting, so a perfect result does not divide by zero. */
  static final double MIN_LOSS = 1e-9;

  private final List<Subspace> subspaces;
  private final int minResults;
  private final double decay;
  private final int[] asks;
  private final List<List<Double>> losses = new ArrayList<>();

  /**
   * A worker and how long it takes per trial (or per epoch: any unit, the same for all).
   *
   * @param seconds measured seconds per unit; lower is faster
   */
  public record WorkerSpeed(String worker, double seconds) {}

  /**
   * @param minResults results a subspace needs before its priority is computed (priority 1 before)
   * @param decay the Planck parameter of the choice among ranked subspaces
   */
  public ShadhoScheduler(List<Subspace> subspaces, int minResults, double decay) {
    if (subspaces.isEmpty()) {
      throw new IllegalArgumentException("no subspaces");
    }
    this.subspaces = List.copyOf(subspaces);
    this.minResults = minResults;
    this.decay = decay;
    this.asks = new int[subspaces.size()];
    subspaces.forEach(s -> losses.add(new ArrayList<>()));
  }

  public List<Subspace> subspaces() {
    return subspaces;
  }

  /** Notes that {@code count} trials of subspace {@code s} were asked (negative: taken back). */
  public void asked(int s, int count) {
    asks[s] += count;
  }

  /** Trials asked of each subspace so far. */
  public int asks(int s) {
    return asks[s];
  }

  /** Records a result of subspace {@code s}; a failed trial (empty) adds no loss. */
  public void record(int s, OptionalDouble reward) {
    if (reward.isPresent()) {
      losses.get(s).add(1 - reward.getAsDouble());
    }
  }

  /** Results recorded for subspace {@code s}. */
  public int results(int s) {
    return losses.get(s).size();
  }

  /** P(L) = 1/min(L) - 1/max(L) of subspace {@code s}'s losses; 1 while it has fewer than minResults. */
  public double priority(int s) {
    return priority(losses.get(s), minResults);
  }

  /** SHADHO's priority of {@code losses} (each clamped to {@link #MIN_LOSS}); 1 with fewer than {@code minResults}. */
  public static double priority(List<Double> losses, int minResults) {
    if (losses.size() < Math.max(1, minResults)) {
      return 1;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double l : losses) {
      min = Math.min(min, l);
      max = Math.max(max, l);
    }
    return 1 / Math.max(min, MIN_LOSS) - 1 / Math.max(max, MIN_LOSS);
  }

  /** Subspace indices, highest complexity-rank x priority-rank first (see the class comment). */
  public List<Integer> ranking() {
    int n = subspaces.size();
    double[] c = new double[n];
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = subspaces.get(i).complexity();
      p[i] = priority(i);
    }
    int[] rc = ranks(c);
    int[] rp = ranks(p);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong((Integer i) -> -(long) rc[i] * rp[i])
        .thenComparingDouble(i -> -c[i])
        .thenComparingInt(i -> i));
    return order;
  }

  /** 1 + the number of strictly smaller values: equal values share a rank. */
  static int[] ranks(double[] v) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = 1;
      for (double w : v) {
        if (w < v[i]) {
          r[i]++;
        }
      }
    }
    return r;
  }

  /**
   * The subspace of the next trial among {@code candidates} (indices): the first in ranking
   * order that has had no trial, else a Planck draw over the candidates in ranking order.
   */
  public int choose(Set<Integer> candidates, RandomGenerator rng) {
    List<Integer> ranked = ranking().stream().filter(candidates::contains).toList();
    if (ranked.isEmpty()) {
      throw new IllegalArgumentException("no candidate subspace");
    }
    for (int s : ranked) {
      if (asks[s] == 0) {
        return s;
      }
    }
    double[] w = new double[ranked.size()];
    double total = 0;
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.exp(-decay * k);
      total += w[k];
    }
    double u = rng.nextDouble() * total;
    for (int k = 0; k < w.length; k++) {
      u -= w[k];
      if (u < 0) {
        return ranked.get(k);
      }
    }
    return ranked.get(ranked.size() - 1);
  }

  /** {@link #assign(List, List)} of the current ranking. */
  public Map<String, List<Integer>> assign(List<WorkerSpeed> workers) {
    return assign(ranking(), workers);
  }

  /**
   * Maps {@code ranked} subspaces (best first) onto {@code workers}, fastest first (ties by name):
   * see the class comment. Each worker's list is in ranking order.
   *
   * @return worker name to its subspaces, fastest worker first
   */
  public static Map<String, List<Integer>> assign(List<Integer> ranked, List<WorkerSpeed> workers) {
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("no workers");
    }
    List<WorkerSpeed> fast = new ArrayList<>(workers);
    fast.sort(Comparator.comparingDouble(WorkerSpeed::seconds).thenComparing(WorkerSpeed::worker));
    int w = fast.size();
    int s = ranked.size();
    List<Set<Integer>> got = new ArrayList<>();
    for (int j = 0; j < w; j++) {
      got.add(new LinkedHashSet<>());
    }
    if (w == 1) {
      got.get(0).addAll(ranked);
    } else if (s >= w) {
      for (int i = 0; i < s; i++) {
        int j = (int) ((long) i * w / s);
        got.get(j).add(ranked.get(i));
        got.get(neighbour(j, w)).add(ranked.get(i));
      }
    } else {
      for (int j = 0; j < w; j++) {
        int i = (int) ((long) j * s / w);
        got.get(j).add(ranked.get(i));
        got.get(neighbour(j, w)).add(ranked.get(i));
      }
    }
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (int j = 0; j < w; j++) {
      List<Integer> l = new ArrayList<>(got.get(j));
      l.sort(Comparator.comparingInt(ranked::indexOf));
      out.put(fast.get(j).worker(), l);
    }
    return out;
  }

  /** The neighbouring worker: the next one in the faster half, the previous one in the slower. */
  private static int neighbour(int j, int w) {
    return j < w / 2.0 ? j + 1 : j - 1;
  }

  /** Asks and losses per subspace, for a strategy's snapshot. */
  public ObjectNode state() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ArrayNode a = o.putArray("asks");
    for (int x : asks) {
      a.add(x);
    }
    ArrayNode l = o.putArray("losses");
    for (List<Double> ls : losses) {
      ArrayNode row = l.addArray();
      ls.forEach(row::add);
    }
    return o;
  }

  /** Restores {@link #state()}. */
  public void restore(JsonNode state) {
    JsonNode a = state.path("asks");
    JsonNode l = state.path("losses");
    if (a.size() != asks.length || l.size() != asks.length) {
      throw new BadInputException(
          "SHADHO state has " + a.size() + " subspaces, the space has " + asks.length);
    }
    for (int i = 0; i < asks.length; i++) {
      asks[i] = a.get(i).asInt();
      losses.get(i).clear();
      for (JsonNode x : l.get(i)) {
        losses.get(i).add(x.asDouble());
      }
    }
  }
}
