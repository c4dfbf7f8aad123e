package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Uniform random sampling. With {@code dedupe} (default) it never asks the same architecture
 * twice, so on a finite space it becomes exhausted once every architecture was asked.
 */
public final class RandomSearch implements Strategy {
  public static final String NAME = "random";

  /** Rejections before falling back to listing the unasked architectures of a finite space. */
  private static final int REJECTIONS_BEFORE_LISTING = 64;
  /** Rejections before giving up on novelty in a space too large to list. */
  private static final int MAX_REJECTIONS = 10_000;

  private final SearchSpace space;
  private final ObjectNode params;
  private final boolean dedupe;
  private final Rng rng;
  /** Asked architectures in ask order (only kept with dedupe). */
  private final Set<Architecture> asked = new LinkedHashSet<>();
  private long askedCount;
  private long spaceSize = -1;

  /** The parameters a config may give. */
  record Given(Boolean dedupe) {}

  public RandomSearch(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    this.dedupe = p.bool("dedupe", p.values().dedupe(), true);
    this.params = p.resolved();
    this.space = space;
    this.rng = Rng.of(seed);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Architecture a = dedupe ? novel() : space.sample(rng);
      if (a == null) {
        break;
      }
      if (dedupe) {
        asked.add(a);
      }
      askedCount++;
      out.add(a);
    }
    return out;
  }

  /** A uniformly random architecture not asked before, or null when none is left. */
  private Architecture novel() {
    if (isExhausted()) {
      return null;
    }
    for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      Architecture a = space.sample(rng);
      if (!asked.contains(a)) {
        return a;
      }
      if (attempt == REJECTIONS_BEFORE_LISTING && space.isEnumerable()) {
        // Mostly asked already: pick uniformly among the rest instead of rejecting on.
        List<Architecture> rest = space.enumerate().filter(x -> !asked.contains(x)).toList();
        return rest.isEmpty() ? null : rest.get(rng.nextInt(rest.size()));
      }
    }
    return space.sample(rng); // a huge space that keeps repeating itself: accept a duplicate
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    // Random search ignores results.
  }

  @Override
  public boolean isExhausted() {
    if (!dedupe || !space.isEnumerable()) {
      return false;
    }
    if (spaceSize < 0) {
      spaceSize = space.size().longValueExact();
    }
    return asked.size() >= spaceSize;
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", NAME);
    s.set("params", params.deepCopy());
    s.put("asked_count", askedCount);
    ArrayNode a = s.putArray("asked");
    for (Architecture arch : asked) {
      a.add(space.encode(arch));
    }
    s.put("rng", rng.saveState());
    return s;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    asked.clear();
    for (JsonNode a : StrategyParams.field(snapshot, "asked")) {
      asked.add(space.decode(a.asText()));
    }
    askedCount = StrategyParams.field(snapshot, "asked_count").asLong();
    rng.restoreState(StrategyParams.field(snapshot, "rng").asText());
  }

  /** Registers {@code random}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "uniform random sampling; dedupe (default true) never asks an architecture twice";
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new RandomSearch(space, params, seed);
    }
  }
}
