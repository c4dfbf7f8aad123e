package dev.jnas.morph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.StrategyProvider;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A morphism search as the config names it ({@code hill-climbing}, {@code lemonade}): its {@link
 * Growth} with checked parameters. It proposes no trials to ask and tell: the experiment runs a
 * {@link MorphismSearch} with it, which trains each child from its parent's stored weights.
 */
public final class MorphismStrategy implements Strategy {
  private final Growth growth;
  private final Integer startEpochs;

  MorphismStrategy(Growth growth, Integer startEpochs) {
    this.growth = growth;
    this.startEpochs = startEpochs;
  }

  public Growth growth() {
    return growth;
  }

  /** Epochs of the start network's training; null: the budget's epochs per trial. */
  public Integer startEpochs() {
    return startEpochs;
  }

  @Override
  public String name() {
    return growth.name();
  }

  @Override
  public List<Architecture> ask(int n) {
    throw new BadInputException(
        "strategy " + name() + " trains every network from its parent's weights: run the experiment (evaluator type"
            + " training); it does not propose trials to ask and tell");
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    ask(1);
  }

  @Override
  public ObjectNode snapshot() {
    // the search's state is its stored trials and their lineage
    return Json.MAPPER.createObjectNode().put("strategy", name());
  }

  @Override
  public void restore(ObjectNode snapshot) {}

  private abstract static class Provider implements StrategyProvider {
    private final String name;
    private final String description;

    Provider(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final String description() {
      return description;
    }

    @Override
    public boolean usesEngine() {
      return true;
    }

    @Override
    public boolean growsNetworks() {
      return true;
    }

    final String component() {
      return "strategy " + name();
    }

    /** {@code start_epochs}: null (the budget's epochs) or at least 1. */
    final Integer startEpochs(Integer given) {
      return given == null ? null : Params.atLeast(component(), "start_epochs", given, 1, 1);
    }

    static void checkSpace(SearchSpace space, String strategy) {
      if (!(space instanceof GraphSpace)) {
        throw new BadInputException(
            "strategy " + strategy + " grows networks by morphisms: it needs space graph, not '" + space.name() + "'");
      }
    }
  }

  /** {@code hill-climbing}: steps, neighbours, morphisms, keep_parent, approximate, start_epochs. */
  public static final class HillClimbingProvider extends Provider {
    record Settings(Integer steps, Integer neighbours, Integer morphisms, Boolean keepParent, Boolean approximate, Integer startEpochs) {}

    public HillClimbingProvider() {
      super(HillClimbing.NAME, "NASH hill climbing by network morphisms (Elsken et al. 2017): steps, neighbours, morphisms,"
          + " keep_parent, approximate, start_epochs");
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      checkSpace(space, name());
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      HillClimbing.Params d = HillClimbing.Params.DEFAULTS;
      int neighbours = Params.atLeast(c, "neighbours", s.neighbours(), d.neighbours(), 1);
      boolean keepParent = s.keepParent() == null ? d.keepParent() : s.keepParent();
      if (keepParent && neighbours < 2) {
        throw Params.bad(c, "neighbours", "at least 2 with keep_parent (the parent is one of them)", neighbours);
      }
      return new MorphismStrategy(
          new HillClimbing(new HillClimbing.Params(
              Params.atLeast(c, "steps", s.steps(), d.steps(), 1), neighbours,
              Params.atLeast(c, "morphisms", s.morphisms(), d.morphisms(), 1), keepParent,
              s.approximate() == null ? d.approximate() : s.approximate())),
          startEpochs(s.startEpochs()));
    }
  }

  /** {@code lemonade}: children, accept, morphisms, approximate, objective (params, flops, latency), generations, start_epochs. */
  public static final class LemonadeProvider extends Provider {
    record Settings(
        Integer children, Integer accept, Integer morphisms, Boolean approximate, String objective, Integer generations,
        Integer startEpochs) {}

    public LemonadeProvider() {
      super(Lemonade.NAME, "LEMONADE multi-objective search by morphisms (Elsken et al. 2019): children, accept, morphisms,"
          + " approximate, objective (params, flops, latency), generations, start_epochs");
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      checkSpace(space, name());
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      Lemonade.Params d = Lemonade.Params.DEFAULTS;
      int children = Params.atLeast(c, "children", s.children(), d.children(), 1);
      int accept = Params.atLeast(c, "accept", s.accept(), d.accept(), 1);
      if (accept > children) {
        throw Params.bad(c, "accept", "at most children (" + children + ")", accept);
      }
      Lemonade.Objective objective = d.objective();
      if (s.objective() != null) {
        try {
          objective = Lemonade.Objective.valueOf(s.objective().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw Params.bad(c, "objective", "params, flops or latency", s.objective());
        }
      }
      return new MorphismStrategy(
          new Lemonade(new Lemonade.Params(children, accept, Params.atLeast(c, "morphisms", s.morphisms(), d.morphisms(), 1),
              s.approximate() == null ? d.approximate() : s.approximate(), objective,
              Params.atLeast(c, "generations", s.generations(), d.generations(), 0))),
          startEpochs(s.startEpochs()));
    }
  }
}
