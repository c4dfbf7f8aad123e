package dev.jnas.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** Minimal strategy for tests of the experiment machinery: uniform samples, counts tells. */
public final class ToyRandomStrategy implements Strategy {
  private final SearchSpace space;
  private final Rng rng;
  public int told;

  public ToyRandomStrategy(SearchSpace space, long seed) {
    this.space = space;
    this.rng = Rng.of(seed);
  }

  @Override
  public String name() {
    return "toy";
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(space.sample(rng));
    }
    return out;
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    told++;
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rng", rng.saveState());
    o.put("told", told);
    return o;
  }

  @Override
  public void restore(ObjectNode s) {
    rng.restoreState(s.get("rng").asText());
    told = s.get("told").asInt();
  }
}
