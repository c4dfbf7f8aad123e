package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * SHADHO (Kinnison et al., WACV 2018): splits the space into its subspaces (the leaves of its
 * choice tree, {@link Subspace}), allocates trials among them by complexity and priority ({@link
 * ShadhoScheduler}: rank by complexity x priority, untried subspaces first, then a Planck draw
 * over the ranking) and samples uniformly at random within the chosen subspace (over quantile
 * grids, a draw from each hyperparameter's distribution), never asking an architecture twice.
 *
 * <p><b>Workers.</b> The trials in flight at once are the workers (with concurrency k, k slots;
 * a trial takes the lowest free slot and frees it when told). Once two slots have measured
 * times ({@link #tell(Architecture, OptionalDouble, double)}: seconds per trial), the subspaces
 * are assigned to the slots by speed, fastest slot to the most complex and uncertain subspaces,
 * each subspace to at least two slots, and reassigned every {@code reassign_every} results; a
 * slot then draws only from its subspaces. On one machine the slots share the CPU, so their
 * speeds differ by what they ran and by load; the same assignment serves a distributed
 * scheduler with real machines ({@link ShadhoScheduler#assign}). Without times (the ask/tell
 * API, the tabular tests) every trial draws from all subspaces.
 */
public final class Shadho implements Strategy, SlotPlanner {
  public static final String NAME = "shadho";
  /** Draws before listing a small subspace's unasked architectures instead. */
  private static final int REJECTIONS_BEFORE_LISTING = 64;
  /** Largest subspace grid that is listed when draws keep repeating. */
  private static final long MAX_LISTED = 100_000;
  private static final int MAX_REJECTIONS = 10_000;

  private final SearchSpace space;
  private final ObjectNode params;
  private final int reassignEvery;
  private final Rng rng;
  private final ShadhoScheduler scheduler;
  private final Map<String, Integer> byKey = new HashMap<>();
  private final Set<Architecture> asked = new LinkedHashSet<>();
  private final boolean[] exhausted;
  /** Trials in flight and their slots, in ask order. */
  private final List<Architecture> flying = new ArrayList<>();
  private final List<Integer> flyingSlot = new ArrayList<>();
  private final TreeSet<Integer> freeSlots = new TreeSet<>();
  private int slots;
  /** Per slot: measured seconds in all and the trials measured. */
  private final Map<Integer, double[]> timing = new LinkedHashMap<>();
  private int results;
  /** Slot to its subspaces; null until two slots have times. */
  private Map<Integer, List<Integer>> assignment;

  /** The parameters a config may give. */
  record Given(Integer minResults, Double decay, Integer reassignEvery) {}

  public Shadho(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    int minResults = p.integer("min_results", p.values().minResults(), 3, 1, 1_000_000);
    double decay = p.values().decay() == null ? 0.5 : p.values().decay();
    if (!(decay >= 0 && decay <= 100)) {
      throw Params.bad("strategy " + NAME, "decay", "a number in [0, 100] (0: every ranked subspace equally likely)", decay);
    }
    this.reassignEvery = p.integer("reassign_every", p.values().reassignEvery(), 10, 1, 1_000_000);
    this.params = p.resolved().put("decay", decay);
    this.space = space;
    this.rng = Rng.of(seed);
    List<Subspace> subspaces = Subspace.of(space);
    this.scheduler = new ShadhoScheduler(subspaces, minResults, decay);
    subspaces.forEach(s -> byKey.put(s.key(), s.index()));
    this.exhausted = new boolean[subspaces.size()];
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The heuristics' state: subspaces, their asks, losses and ranking. */
  public ShadhoScheduler scheduler() {
    return scheduler;
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Integer slot = freeSlots.isEmpty() ? slots : freeSlots.first();
      Set<Integer> candidates = candidates(slot);
      Architecture a = null;
      while (a == null && !candidates.isEmpty()) {
        int s = scheduler.choose(candidates, rng);
        a = novel(scheduler.subspaces().get(s));
        if (a == null) {
          exhausted[s] = true;
          candidates.remove(s);
        } else {
          scheduler.asked(s, 1);
        }
      }
      if (a == null) {
        break;
      }
      if (slot == slots) {
        slots++;
      } else {
        freeSlots.remove(slot);
      }
      asked.add(a);
      flying.add(a);
      flyingSlot.add(slot);
      out.add(a);
    }
    return out;
  }

  /** The subspaces slot {@code slot} may draw from: its assignment's, or all, that are not exhausted. */
  private Set<Integer> candidates(int slot) {
    Set<Integer> all = new LinkedHashSet<>();
    for (int s = 0; s < exhausted.length; s++) {
      if (!exhausted[s]) {
        all.add(s);
      }
    }
    List<Integer> mine = assignment == null ? null : assignment.get(slot);
    if (mine != null) {
      Set<Integer> own = new LinkedHashSet<>(mine);
      own.retainAll(all);
      if (!own.isEmpty()) {
        return own;
      }
    }
    return all;
  }

  /** A random architecture of {@code s} not asked before, or null when it has none left. */
  private Architecture novel(Subspace s) {
    for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      Architecture a = s.sample(space, rng, MAX_REJECTIONS);
      if (a == null) {
        return null; // no valid architecture at all
      }
      if (!asked.contains(a)) {
        return a;
      }
      if (attempt == REJECTIONS_BEFORE_LISTING && s.gridSize(space) <= MAX_LISTED) {
        List<Architecture> rest = s.members(space).stream().filter(x -> !asked.contains(x)).toList();
        return rest.isEmpty() ? null : rest.get(rng.nextInt(rest.size()));
      }
    }
    return s.sample(space, rng, MAX_REJECTIONS); // a huge subspace that keeps repeating: accept a duplicate
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    tell(arch, reward, Double.NaN);
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward, double seconds) {
    Integer s = byKey.get(Subspace.key(space, arch));
    if (s == null) {
      throw new BadInputException("strategy " + NAME + " was told an architecture of no subspace: " + space.encode(arch));
    }
    scheduler.record(s, reward);
    int i = flying.indexOf(arch);
    if (i >= 0) {
      int slot = flyingSlot.remove(i);
      flying.remove(i);
      freeSlots.add(slot);
      if (Double.isFinite(seconds) && seconds > 0) {
        double[] t = timing.computeIfAbsent(slot, x -> new double[2]);
        t[0] += seconds;
        t[1]++;
      }
    }
    results++;
    // a newly timed worker joins at once; otherwise every reassign_every results, as SHADHO
    if (timing.size() >= 2 && (assignment == null || assignment.size() != timing.size() || results % reassignEvery == 0)) {
      reassign();
    }
  }

  /** Assigns the subspaces to the timed slots by their mean seconds per trial. */
  private void reassign() {
    List<ShadhoScheduler.WorkerSpeed> speeds = new ArrayList<>();
    timing.forEach((slot, t) -> speeds.add(new ShadhoScheduler.WorkerSpeed(Integer.toString(slot), t[0] / t[1])));
    assignment = new LinkedHashMap<>();
    scheduler.assign(speeds).forEach((w, l) -> assignment.put(Integer.parseInt(w), l));
  }

  /** The slot of {@code arch} while it is in flight (a cluster sends it to the worker of that slot). */
  @Override
  public int slotOf(Architecture arch) {
    int i = flying.lastIndexOf(arch);
    return i < 0 ? -1 : flyingSlot.get(i);
  }

  @Override
  public boolean isExhausted() {
    for (boolean e : exhausted) {
      if (!e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("strategy", NAME);
    o.set("params", params.deepCopy());
    o.set("scheduler", scheduler.state());
    ArrayNode a = o.putArray("asked");
    asked.forEach(x -> a.add(space.encode(x)));
    ArrayNode e = o.putArray("exhausted");
    for (boolean x : exhausted) {
      e.add(x);
    }
    ArrayNode f = o.putArray("in_flight");
    for (int i = 0; i < flying.size(); i++) {
      f.addObject().put("architecture", space.encode(flying.get(i))).put("slot", flyingSlot.get(i));
    }
    ArrayNode free = o.putArray("free_slots");
    freeSlots.forEach(free::add);
    o.put("slots", slots);
    ObjectNode t = o.putObject("timing");
    timing.forEach((slot, x) -> t.putArray(Integer.toString(slot)).add(x[0]).add(x[1]));
    o.put("results", results);
    if (assignment != null) {
      ObjectNode as = o.putObject("assignment");
      assignment.forEach((slot, l) -> {
        ArrayNode row = as.putArray(Integer.toString(slot));
        l.forEach(row::add);
      });
    }
    o.put("rng", rng.saveState());
    return o;
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    scheduler.restore(StrategyParams.field(snapshot, "scheduler"));
    asked.clear();
    for (JsonNode x : StrategyParams.field(snapshot, "asked")) {
      asked.add(space.decode(x.asText()));
    }
    JsonNode e = StrategyParams.field(snapshot, "exhausted");
    if (e.size() != exhausted.length) {
      throw new BadInputException("strategy " + NAME + ": snapshot has " + e.size() + " subspaces, the space " + exhausted.length);
    }
    for (int i = 0; i < exhausted.length; i++) {
      exhausted[i] = e.get(i).asBoolean();
    }
    flying.clear();
    flyingSlot.clear();
    for (JsonNode x : StrategyParams.field(snapshot, "in_flight")) {
      flying.add(space.decode(x.path("architecture").asText()));
      flyingSlot.add(x.path("slot").asInt());
    }
    freeSlots.clear();
    StrategyParams.field(snapshot, "free_slots").forEach(x -> freeSlots.add(x.asInt()));
    slots = StrategyParams.field(snapshot, "slots").asInt();
    timing.clear();
    StrategyParams.field(snapshot, "timing").fields()
        .forEachRemaining(x -> timing.put(Integer.parseInt(x.getKey()), new double[] {x.getValue().get(0).asDouble(), x.getValue().get(1).asDouble()}));
    results = StrategyParams.field(snapshot, "results").asInt();
    assignment = null;
    if (snapshot.has("assignment")) {
      assignment = new LinkedHashMap<>();
      snapshot.get("assignment").fields().forEachRemaining(x -> {
        List<Integer> l = new ArrayList<>();
        x.getValue().forEach(v -> l.add(v.asInt()));
        assignment.put(Integer.parseInt(x.getKey()), l);
      });
    }
    rng.restoreState(StrategyParams.field(snapshot, "rng").asText());
  }

  /**
   * Asks again and, when the measured times of the first run made that ask differ (they are
   * stored with the trials, so they seldom do), adopts the stored architectures instead.
   */
  @Override
  public List<Architecture> replayAsk(List<Architecture> stored) {
    List<Architecture> again = ask(stored.size());
    if (again.equals(stored)) {
      return again;
    }
    for (Architecture a : again) {
      int i = flying.lastIndexOf(a);
      freeSlots.add(flyingSlot.remove(i));
      flying.remove(i);
      asked.remove(a);
      scheduler.asked(byKey.get(Subspace.key(space, a)), -1);
    }
    for (Architecture a : stored) {
      Integer slot = freeSlots.isEmpty() ? slots++ : freeSlots.pollFirst();
      asked.add(a);
      flying.add(a);
      flyingSlot.add(slot);
      scheduler.asked(byKey.get(Subspace.key(space, a)), 1);
    }
    return stored;
  }

  /** Registers {@code shadho}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "SHADHO: trials allocated among the space's conditional subspaces by complexity and priority,"
          + " random within each, subspaces assigned to concurrent trials by speed; min_results (3), decay (0.5),"
          + " reassign_every (10)";
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new Shadho(space, params, seed);
    }
  }
}
