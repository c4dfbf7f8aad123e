package dev.jnas.morph;

import dev.jnas.model.GraphNetwork;
import dev.jnas.space.LayerGraph;
import dev.jnas.util.Pareto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;

/**
 * LEMONADE (Elsken et al. 2019), Algorithm 1: the population is the Pareto front of validation
 * error and a cheap objective (parameters, multiply-adds, or latency measured on this machine). Each generation fits a kernel density
 * over the front's cheap objective (on a log scale), picks {@code children} parents with
 * probability inverse to that density (sparse regions of the front first), makes one child of
 * each by {@code morphisms} random morphisms, exact or approximate, accepts {@code accept} of the
 * children with probability again inverse to the density at their own cheap objective (computed
 * from the graph, before any training), and trains only those from their inherited weights. The
 * front is then that of every network trained so far.
 */
public final class Lemonade implements Growth {
  public static final String NAME = "lemonade";

  /** The cheap objective: parameters, multiply-adds, or measured latency (milliseconds per image). */
  public enum Objective {
    PARAMS,
    FLOPS,
    LATENCY;

    double of(LayerGraph g, Context c) {
      return switch (this) {
        case PARAMS -> GraphNetwork.parameterCount(g, c.input(), c.classes());
        case FLOPS -> GraphNetwork.flops(g, c.input(), c.classes());
        case LATENCY -> {
          if (c.latency() == null) {
            throw new IllegalStateException("objective latency needs a latency measurement in the context");
          }
          yield c.latency().applyAsDouble(g);
        }
      };
    }

    double of(Node n, Context c) {
      return switch (this) {
        case PARAMS -> n.params();
        case FLOPS -> n.flops();
        case LATENCY -> of(n.graph(), c);
      };
    }
  }

  /**
   * @param children n_pc, children generated per generation
   * @param accept n_ac, children trained per generation
   * @param morphisms morphisms chained into each child
   * @param generations after this many generations the search ends (0: only the budget ends it)
   */
  public record Params(int children, int accept, int morphisms, boolean approximate, Objective objective, int generations) {
    public static final Params DEFAULTS = new Params(16, 4, 1, true, Objective.PARAMS, 0);
  }

  /** Draws per child before a generation gives up on finding new ones. */
  static final int MAX_DRAWS_PER_CHILD = 20;

  /** Bandwidth floor on log10 of the objective: a tenth of a decade. */
  static final double MIN_BANDWIDTH = 0.1;

  private final Params params;

  public Lemonade(Params params) {
    this.params = params;
  }

  @Override
  public String name() {
    return NAME;
  }

  public Params params() {
    return params;
  }

  /** The front of {@code trained}: validation error against the cheap objective. */
  public List<Node> front(List<Node> trained, Context context) {
    return Pareto.front(trained, n -> params.objective().of(n, context), Node::error);
  }

  @Override
  public List<Proposal> propose(int round, List<Node> trained, Context context, RandomGenerator rng) {
    if (round == 0) {
      return List.of(new Proposal(null, List.of()));
    }
    if (params.generations() > 0 && round > params.generations()) {
      return List.of();
    }
    List<Node> front = front(trained, context);
    if (front.isEmpty()) {
      return List.of();
    }
    double[] x = front.stream().mapToDouble(n -> log(params.objective().of(n, context))).toArray();
    DoubleUnaryOperator density = Pareto.density(x, MIN_BANDWIDTH);
    double[] parentWeight = new double[front.size()];
    for (int i = 0; i < x.length; i++) {
      parentWeight[i] = 1 / density.applyAsDouble(x[i]);
    }
    Set<String> seen = new HashSet<>();
    trained.forEach(n -> seen.add(n.graph().toString()));
    List<Proposal> children = new ArrayList<>();
    List<Double> childWeight = new ArrayList<>();
    // a child that was trained (or drawn) already is drawn again, with a longer chain of
    // morphisms after every 5 draws per child that found too few new ones (a small front can
    // have trained all its one-morphism children); no new child in all the draws ends the search
    for (int draws = 0; children.size() < params.children() && draws < MAX_DRAWS_PER_CHILD * params.children(); draws++) {
      Node parent = front.get(draw(parentWeight, rng));
      int length = params.morphisms() + draws / (5 * params.children());
      List<Morphism> chain = Growth.randomChain(parent.graph(), context.input(), length, params.approximate(), rng);
      LayerGraph g = Growth.apply(parent.graph(), chain, context.input());
      if (chain.isEmpty() || !seen.add(g.toString())) {
        continue; // a network trained (or proposed) already
      }
      children.add(new Proposal(parent.trial(), chain));
      childWeight.add(1 / density.applyAsDouble(log(params.objective().of(g, context))));
    }
    List<Proposal> accepted = new ArrayList<>();
    double[] w = childWeight.stream().mapToDouble(Double::doubleValue).toArray();
    while (accepted.size() < params.accept() && accepted.size() < children.size()) {
      int k = draw(w, rng);
      accepted.add(children.get(k));
      w[k] = 0; // without replacement
    }
    return accepted;
  }

  /** Sizes and latencies spread over decades: the density is fitted on their logarithm. */
  private static double log(double v) {
    return Math.log10(Math.max(1e-6, v));
  }

  /** An index drawn with probability proportional to {@code weights} (not all zero). */
  static int draw(double[] weights, RandomGenerator rng) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rng.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        last = i;
        u -= weights[i];
        if (u < 0) {
          return i;
        }
      }
    }
    return last;
  }
}
