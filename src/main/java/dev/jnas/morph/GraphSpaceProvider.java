package dev.jnas.morph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaceProvider;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Params;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@code graph}: the networks grown by morphisms from a start graph ({@code start}, the text
 * {@code jnas show} prints; default {@value GraphSpace#DEFAULT_START}), for images of shape
 * {@code input} ({@code [channels, height, width]}, default Fashion-MNIST's {@code [1, 28, 28]});
 * {@code sample_changes} random morphisms make a random network (default 3).
 */
public final class GraphSpaceProvider implements SearchSpaceProvider {
  static final String COMPONENT = "search space " + GraphSpace.NAME;

  record Settings(String start, List<Integer> input, Integer sampleChanges) {}

  @Override
  public String name() {
    return GraphSpace.NAME;
  }

  @Override
  public String description() {
    return "networks grown by morphisms (for hill-climbing and lemonade): start (a layer graph's text), input"
        + " ([channels, height, width], default [1, 28, 28]), sample_changes (default 3)";
  }

  @Override
  public SearchSpace create(JsonNode params) {
    Settings s = Params.bind(COMPONENT, params, Settings.class);
    LayerGraph start;
    try {
      start = LayerGraph.parse(s.start() == null ? GraphSpace.DEFAULT_START : s.start());
    } catch (BadInputException e) {
      throw ConfigException.sentence("start", COMPONENT + ": parameter 'start': " + e.getMessage());
    }
    LayerGraph.Shape input = GraphSpace.DEFAULT_INPUT;
    if (s.input() != null) {
      if (s.input().size() != 3 || s.input().stream().anyMatch(v -> v == null || v < 1)) {
        throw Params.bad(COMPONENT, "input", "[channels, height, width] of positive integers", s.input());
      }
      input = new LayerGraph.Shape(s.input().get(0), s.input().get(1), s.input().get(2));
    }
    int changes = Params.atLeast(COMPONENT, "sample_changes", s.sampleChanges(), 3, 0);
    try {
      return new GraphSpace(start, input, changes, MUTATIONS);
    } catch (BadInputException e) {
      throw ConfigException.sentence("start", e.getMessage());
    }
  }

  /**
   * Changes by morphisms, exact and approximate alike (a network trained from scratch does not
   * care which): a random candidate, or all of them.
   */
  public static final GraphSpace.Mutations MUTATIONS =
      new GraphSpace.Mutations() {
        @Override
        public LayerGraph mutate(LayerGraph g, LayerGraph.Shape input, RandomGenerator rng) {
          List<Morphism> c = Morphism.candidates(g, input, true, rng);
          return c.get(rng.nextInt(c.size())).graph(g, input);
        }

        @Override
        public List<LayerGraph> neighbours(LayerGraph g, LayerGraph.Shape input) {
          // the seeds only choose which filters a widening copies: they do not change the graph
          RandomGenerator fixed = Rng.of(0);
          List<LayerGraph> out = new ArrayList<>();
          for (Morphism m : Morphism.candidates(g, input, true, fixed)) {
            out.add(m.graph(g, input));
          }
          return out;
        }
      };
}
