package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Asks every architecture of a finite space once, in the space's enumeration order or (with
 * {@code shuffle}) in an order drawn from the seed; exhausted at the end.
 */
public final class GridSearch implements Strategy {
  public static final String NAME = "grid";

  private final SearchSpace space;
  private final ObjectNode params;
  private final boolean shuffle;
  private List<Architecture> order;
  /** The seed the order was shuffled with: a snapshot restores into a strategy of any seed. */
  private long orderSeed;
  private int next;

  /** The parameters a config may give. */
  record Given(Boolean shuffle) {}

  public GridSearch(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    this.shuffle = p.bool("shuffle", p.values().shuffle(), false);
    this.params = p.resolved();
    if (!space.isEnumerable()) {
      throw new BadInputException(
          "strategy grid: space " + space.name() + " has " + space.size()
              + " architectures, too many to enumerate; use random or evolution");
    }
    this.space = space;
    this.order = order(seed);
  }

  private List<Architecture> order(long seed) {
    orderSeed = seed;
    List<Architecture> all = new ArrayList<>(space.enumerate().toList());
    if (shuffle) {
      Rng rng = Rng.of(seed);
      for (int i = all.size() - 1; i > 0; i--) { // Fisher-Yates (Java 17 shuffles only java.util.Random)
        Collections.swap(all, i, rng.nextInt(i + 1));
      }
    }
    return all;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Architecture> ask(int n) {
    int end = Math.min(order.size(), next + n);
    List<Architecture> out = List.copyOf(order.subList(next, end));
    next = end;
    return out;
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    // The grid does not depend on results.
  }

  @Override
  public boolean isExhausted() {
    return next >= order.size();
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", NAME);
    s.set("params", params.deepCopy());
    s.put("next", next);
    s.put("size", order.size());
    s.put("order_seed", orderSeed);
    return s;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    long seed = StrategyParams.field(snapshot, "order_seed").asLong();
    if (shuffle && seed != orderSeed) {
      order = order(seed);
    }
    orderSeed = seed;
    int size = StrategyParams.field(snapshot, "size").asInt();
    if (size != order.size()) {
      throw new BadInputException(
          "strategy grid: snapshot was taken on a space of " + size + " architectures, this one has " + order.size());
    }
    int at = StrategyParams.field(snapshot, "next").asInt();
    if (at < 0 || at > size) {
      throw new BadInputException("strategy grid: snapshot position " + at + " is outside 0.." + size);
    }
    next = at;
  }

  /** Registers {@code grid}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "every architecture of a finite space once; shuffle (default false) randomises the order";
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new GridSearch(space, params, seed);
    }
  }
}
