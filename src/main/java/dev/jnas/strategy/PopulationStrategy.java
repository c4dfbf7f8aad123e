package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Shared machinery of the evolutionary strategies: random architectures until the population
 * can fill, then children mutated from a selected parent. The population list is in age order
 * (oldest first). Asks may run ahead of tells (concurrent trials): an architecture still being
 * evaluated counts towards filling the population, a failed one (empty reward) does not.
 */
abstract class PopulationStrategy implements Strategy {
  /** A population member: an evaluated architecture and its reward. */
  record Member(Architecture arch, double reward) {}

  protected final SearchSpace space;
  protected final ObjectNode params;
  protected final int populationSize;
  protected final Rng rng;
  /** Oldest first. */
  protected final List<Member> population = new ArrayList<>();
  private long asked;
  private long told;
  private long failed;

  protected PopulationStrategy(SearchSpace space, ObjectNode params, int populationSize, long seed) {
    this.space = space;
    this.params = params;
    this.populationSize = populationSize;
    this.rng = Rng.of(seed);
  }

  /** The member whose mutation becomes the next child. Called only with a non-empty population. */
  protected abstract Member selectParent();

  /** Adds a newly evaluated member and removes one when the population overflows. */
  protected abstract void admit(Member child);

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long inFlight = Math.max(0, asked - told - failed);
      Architecture a =
          population.isEmpty() || population.size() + inFlight < populationSize
              ? space.sample(rng)
              : space.mutate(selectParent().arch(), rng);
      asked++;
      out.add(a);
    }
    return out;
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    if (reward.isEmpty() || Double.isNaN(reward.getAsDouble())) {
      failed++; // failed trials never join the population
      return;
    }
    told++;
    admit(new Member(arch, reward.getAsDouble()));
  }

  /** The population, oldest first (for tests and reports). */
  public List<Architecture> population() {
    return population.stream().map(Member::arch).toList();
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", name());
    s.set("params", params.deepCopy());
    s.put("asked", asked);
    s.put("told", told);
    s.put("failed", failed);
    ArrayNode pop = s.putArray("population");
    for (Member m : population) {
      pop.addObject().put("arch", space.encode(m.arch())).put("reward", m.reward());
    }
    s.put("rng", rng.saveState());
    return s;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(name(), params, snapshot);
    List<Member> pop = new ArrayList<>();
    for (JsonNode m : StrategyParams.field(snapshot, "population")) {
      JsonNode arch = m.get("arch");
      JsonNode reward = m.get("reward");
      if (arch == null || reward == null || !reward.isNumber()) {
        throw new BadInputException("strategy " + name() + ": snapshot population entry " + m + " needs arch and reward");
      }
      pop.add(new Member(space.decode(arch.asText()), reward.doubleValue()));
    }
    population.clear();
    population.addAll(pop);
    asked = StrategyParams.field(snapshot, "asked").asLong();
    told = StrategyParams.field(snapshot, "told").asLong();
    failed = StrategyParams.field(snapshot, "failed").asLong();
    rng.restoreState(StrategyParams.field(snapshot, "rng").asText());
  }
}
