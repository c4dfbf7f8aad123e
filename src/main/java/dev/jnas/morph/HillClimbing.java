package dev.jnas.morph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * NASH (Elsken et al. 2017): train the start network; then, for {@code steps} steps, make {@code
 * neighbours} children of the current best, each by {@code morphisms} random function-preserving
 * morphisms, train each briefly from the inherited weights (one cosine cycle: SGDR's warm
 * restart), and move to the best child. With {@code keepParent} the current best trained on for
 * the same epochs is one of the neighbours, as in NASH, so a step never moves to a worse network
 * by chance of the training alone.
 */
public final class HillClimbing implements Growth {
  public static final String NAME = "hill-climbing";

  /**
   * @param steps NASH's n_steps
   * @param neighbours n_neigh, the parent included when {@code keepParent}
   * @param morphisms n_NM, morphisms chained into each child
   * @param approximate whether children may also shrink or lose layers (NASH: no)
   */
  public record Params(int steps, int neighbours, int morphisms, boolean keepParent, boolean approximate) {
    public static final Params DEFAULTS = new Params(5, 8, 5, true, false);
  }

  private final Params params;

  public HillClimbing(Params params) {
    this.params = params;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Proposal> propose(int round, List<Node> trained, Context context, RandomGenerator rng) {
    if (round == 0) {
      return List.of(new Proposal(null, List.of()));
    }
    if (round > params.steps()) {
      return List.of();
    }
    // the best of the previous step (the previous round): NASH moves there whatever came before
    Node best =
        trained.stream()
            .filter(n -> n.round() == round - 1)
            .max(Comparator.comparingDouble(Node::accuracy).thenComparingLong(n -> -n.trial()))
            .orElse(null);
    if (best == null) {
      return List.of(); // every network of the last step failed: nothing to climb from
    }
    List<Proposal> out = new ArrayList<>();
    if (params.keepParent()) {
      out.add(new Proposal(best.trial(), List.of()));
    }
    while (out.size() < params.neighbours()) {
      List<Morphism> chain = Growth.randomChain(best.graph(), context.input(), params.morphisms(), params.approximate(), rng);
      out.add(new Proposal(best.trial(), chain));
    }
    return out;
  }
}
