package dev.jnas.morph;

import dev.jnas.space.LayerGraph;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How a morphism search chooses what to train next, one round at a time, from the networks
 * trained in earlier rounds: NASH's hill climbing ({@link HillClimbing}) and LEMONADE ({@link
 * Lemonade}). A round's proposals depend only on the networks trained before it and the round's
 * own random generator, so a search continued after a crash proposes what it would have.
 */
public interface Growth {
  /** The strategy's name, e.g. {@code hill-climbing}. */
  String name();

  /**
   * One network to train: the morphisms that turn trial {@code parent}'s trained network into it
   * (its weights inherited), or, with {@code parent} null, that turn the start graph into it
   * (trained from scratch).
   */
  record Proposal(Long parent, List<Morphism> morphisms) {
    public Proposal {
      morphisms = List.copyOf(morphisms);
    }
  }

  /**
   * A network trained in an earlier round.
   *
   * @param accuracy the reward (validation accuracy) after its training
   * @param params trainable parameters
   * @param flops multiply-adds of one example
   */
  record Node(long trial, int round, LayerGraph graph, Long parent, double accuracy, long params, long flops) {
    /** Validation error. */
    public double error() {
      return 1 - accuracy;
    }
  }

  /**
   * What a round knows besides the trained networks.
   *
   * @param latency a network's measured inference latency on this machine, in milliseconds per
   *     image (the same graph gives the same value within a search); null when not measured
   */
  record Context(LayerGraph start, LayerGraph.Shape input, int classes, java.util.function.ToDoubleFunction<LayerGraph> latency) {
    public Context(LayerGraph start, LayerGraph.Shape input, int classes) {
      this(start, input, classes, null);
    }
  }

  /**
   * The proposals of round {@code round} (0: the first networks, from scratch).
   *
   * @param trained every network that completed in earlier rounds, in trial order (failed ones
   *     are absent)
   * @return empty when the search is done
   */
  List<Proposal> propose(int round, List<Node> trained, Context context, RandomGenerator rng);

  /**
   * How many morphisms to chain into one child: {@code count} random ones, each chosen among the
   * candidates of the graph the previous ones made.
   */
  static List<Morphism> randomChain(LayerGraph g, LayerGraph.Shape input, int count, boolean approximate, RandomGenerator rng) {
    List<Morphism> chain = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Morphism> c = Morphism.candidates(g, input, approximate, rng);
      if (c.isEmpty()) {
        break;
      }
      Morphism m = c.get(rng.nextInt(c.size()));
      chain.add(m);
      g = m.graph(g, input);
    }
    return chain;
  }

  /** {@code g} after {@code chain}. */
  static LayerGraph apply(LayerGraph g, List<Morphism> chain, LayerGraph.Shape input) {
    for (Morphism m : chain) {
      g = m.graph(g, input);
    }
    return g;
  }
}
