package dev.jnas.strategy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Local search (hill climbing with random restarts), the method White et al. (2021) found to be
 * state of the art on NAS-Bench-201: evaluate a random architecture, then every neighbour of the
 * current one ({@link SearchSpace#neighbours}, in random order); move to the best neighbour when
 * it beats the current one, else restart from a new random architecture. An architecture already
 * evaluated is never asked again as a neighbour: its reward is remembered.
 *
 * <p>With {@code max_neighbours} k > 0 each step evaluates only k random neighbours (for spaces
 * whose neighbourhoods run into the hundreds, such as cells). Asks proceed while a neighbourhood's
 * trials run; once all are asked, it waits for their rewards before stepping.
 */
public final class LocalSearch implements Strategy {
  public static final String NAME = "local";

  private record Scored(Architecture arch, double reward) {}

  private final SearchSpace space;
  private final ObjectNode params;
  private final int maxNeighbours;
  private final Rng rng;
  /** Every evaluated architecture's reward (NaN: failed), by canonical string, in order. */
  private final Map<String, Double> seen = new LinkedHashMap<>();
  private final Deque<Architecture> queue = new ArrayDeque<>();
  private final Set<String> outstanding = new LinkedHashSet<>();
  private Scored current;
  private Scored bestNeighbour;
  private String startPending;

  public LocalSearch(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    this.maxNeighbours = p.integer("max_neighbours", p.values().maxNeighbours(), 0, 0, 1_000_000);
    this.params = p.resolved();
    this.space = space;
    this.rng = Rng.of(seed);
  }

  /** The parameters a config may give. */
  record Given(@JsonProperty("max_neighbours") Integer maxNeighbours) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    while (out.size() < n) {
      if (current == null) {
        if (startPending != null) {
          break; // the climb's start is being evaluated
        }
        Architecture start = freshSample();
        startPending = space.encode(start);
        out.add(start);
      } else if (!queue.isEmpty()) {
        Architecture a = queue.poll();
        outstanding.add(space.encode(a));
        out.add(a);
      } else if (!outstanding.isEmpty()) {
        break; // the neighbourhood is asked; its rewards decide the step
      } else {
        step();
      }
    }
    return out;
  }

  /** A random architecture not evaluated yet when one is found within 100 draws. */
  private Architecture freshSample() {
    Architecture a = space.sample(rng);
    for (int i = 0; i < 100 && seen.containsKey(space.encode(a)); i++) {
      a = space.sample(rng);
    }
    return a;
  }

  /** Moves to the best neighbour when it improves on the current architecture, else restarts. */
  private void step() {
    if (bestNeighbour != null && bestNeighbour.reward() > current.reward()) {
      current = bestNeighbour;
      bestNeighbour = null;
      expand();
    } else {
      current = null;
      bestNeighbour = null;
    }
  }

  /** Queues the current architecture's neighbours not evaluated yet; remembered ones count at once. */
  private void expand() {
    List<Architecture> all = new ArrayList<>(space.neighbours(current.arch()));
    for (int i = all.size() - 1; i > 0; i--) { // Fisher-Yates with the strategy's own generator
      Collections.swap(all, i, rng.nextInt(i + 1));
    }
    if (maxNeighbours > 0 && all.size() > maxNeighbours) {
      all = all.subList(0, maxNeighbours);
    }
    for (Architecture a : all) {
      Double r = seen.get(space.encode(a));
      if (r == null) {
        queue.add(a);
      } else if (!r.isNaN()) {
        consider(new Scored(a, r));
      }
    }
  }

  private void consider(Scored s) {
    if (bestNeighbour == null || s.reward() > bestNeighbour.reward()) {
      bestNeighbour = s;
    }
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    String key = space.encode(arch);
    double r = reward.isPresent() ? reward.getAsDouble() : Double.NaN;
    seen.put(key, r);
    if (key.equals(startPending)) {
      startPending = null;
      if (!Double.isNaN(r)) {
        current = new Scored(arch, r);
        expand();
      }
    } else if (outstanding.remove(key) && !Double.isNaN(r)) {
      consider(new Scored(arch, r));
    }
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", NAME);
    s.set("params", params.deepCopy());
    StrategyParams.putRewards(s, "seen", seen);
    ArrayNode q = s.putArray("queue");
    queue.forEach(a -> q.add(space.encode(a)));
    ArrayNode o = s.putArray("outstanding");
    outstanding.forEach(o::add);
    put(s, "current", current);
    put(s, "best_neighbour", bestNeighbour);
    if (startPending != null) {
      s.put("start_pending", startPending);
    }
    s.put("rng", rng.saveState());
    return s;
  }

  private void put(ObjectNode s, String name, Scored v) {
    if (v != null) {
      s.putObject(name).put("arch", space.encode(v.arch())).put("reward", v.reward());
    }
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    Map<String, Double> s = StrategyParams.rewards(snapshot, "seen", space);
    List<Architecture> q = new ArrayList<>();
    for (JsonNode a : StrategyParams.field(snapshot, "queue")) {
      q.add(space.decode(a.asText()));
    }
    List<String> o = new ArrayList<>();
    for (JsonNode a : StrategyParams.field(snapshot, "outstanding")) {
      o.add(space.encode(space.decode(a.asText())));
    }
    Scored c = scored(snapshot.get("current"));
    Scored b = scored(snapshot.get("best_neighbour"));
    seen.clear();
    seen.putAll(s);
    queue.clear();
    queue.addAll(q);
    outstanding.clear();
    outstanding.addAll(o);
    current = c;
    bestNeighbour = b;
    startPending = snapshot.hasNonNull("start_pending") ? snapshot.get("start_pending").asText() : null;
    rng.restoreState(StrategyParams.field(snapshot, "rng").asText());
  }

  private Scored scored(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.path("reward").isNumber()) {
      throw new BadInputException("strategy " + NAME + ": snapshot entry " + n + " needs arch and reward");
    }
    return new Scored(space.decode(n.path("arch").asText()), n.path("reward").doubleValue());
  }

  /** Registers {@code local}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "local search (hill climbing over neighbours with random restarts, White et al. 2021): max_neighbours (default 0 = all)";
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new LocalSearch(space, params, seed);
    }
  }
}
