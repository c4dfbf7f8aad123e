package dev.jnas.strategy;

import dev.jnas.space.Architecture;
import dev.jnas.space.ConditionalSpace;
import dev.jnas.space.Decision;
import dev.jnas.space.Distribution;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One leaf of a space's choice tree (SHADHO's independent search space): a combination of values
 * of the active switching decisions ({@link ConditionalSpace#gates}); its other active decisions
 * are its domains. A space that is not a {@link ConditionalSpace} is one subspace whose domains
 * are all its decisions.
 *
 * @param index position in {@link #of}'s list
 * @param key the switching decisions' values, {@code optimizer=sgd}; empty for a whole space
 * @param base an architecture of the subspace: switches set, every other decision at index 0
 * @param domains the decisions drawn within the subspace
 * @param complexity SHADHO's C(s): the product of {@link #complexity(SearchSpace, int)} over the domains
 */
public record Subspace(int index, String key, Architecture base, List<Integer> domains, double complexity) {
  /** Most subspaces a space may split into. */
  public static final int MAX_SUBSPACES = 10_000;
  /** Share of a continuous distribution whose interval measures it (the paper's; the source code takes 0.999). */
  public static final double MASS = 0.99;

  public Subspace {
    domains = List.copyOf(domains);
  }

  /** The subspaces of {@code space}, in the order a walk of its switching decisions meets them. */
  public static List<Subspace> of(SearchSpace space) {
    int n = space.decisions().size();
    Map<String, Architecture> leaves = new LinkedHashMap<>();
    Architecture start = space.canonical(new Architecture(space.name(), new int[n]));
    if (space instanceof ConditionalSpace c) {
      walk(c, start, new boolean[n], leaves);
    } else {
      leaves.put("", start);
    }
    List<Subspace> out = new ArrayList<>();
    for (var e : leaves.entrySet()) {
      List<Integer> domains = new ArrayList<>();
      double complexity = 1;
      for (int i = 0; i < n; i++) {
        if (space.isActive(e.getValue(), i) && !gates(space, i)) {
          domains.add(i);
          complexity *= complexity(space, i);
        }
      }
      out.add(new Subspace(out.size(), e.getKey(), e.getValue(), domains, complexity));
    }
    return out;
  }

  private static boolean gates(SearchSpace space, int i) {
    return space instanceof ConditionalSpace c && c.gates(i);
  }

  /** Branches on the first active switch not yet set; a leaf when none is left. */
  private static void walk(ConditionalSpace space, Architecture a, boolean[] set, Map<String, Architecture> leaves) {
    for (int i = 0; i < set.length; i++) {
      if (!set[i] && space.gates(i) && space.isActive(a, i)) {
        boolean[] next = set.clone();
        next[i] = true;
        for (int v = 0; v < space.decisions().get(i).cardinality(); v++) {
          walk(space, space.canonical(a.with(i, v)), next, leaves);
        }
        return;
      }
    }
    leaves.putIfAbsent(key(space, a), a);
    if (leaves.size() > MAX_SUBSPACES) {
      throw new BadInputException(
          "space " + space.name() + " splits into more than " + MAX_SUBSPACES + " subspaces (combinations of the"
              + " decisions that switch others on): too many for SHADHO's allocation");
    }
  }

  /** The subspace key of an architecture: its active switching decisions as {@code name=label}. */
  public static String key(SearchSpace space, Architecture a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < space.decisions().size(); i++) {
      if (gates(space, i) && space.isActive(a, i)) {
        Decision d = space.decisions().get(i);
        sb.append(sb.length() == 0 ? "" : ",").append(d.name()).append('=').append(d.label(a.get(i)));
      }
    }
    return sb.toString();
  }

  /**
   * SHADHO's complexity of one domain: {@code 2 + |b - a|} over the interval [a, b] holding
   * {@link #MASS} of a continuous distribution (exponents for a log-uniform one, as SHADHO's
   * {@code log10_uniform} draws exponents), {@code 2 - 1/|options|} for a discrete one (a plain
   * choice, or an integer range, which SHADHO's {@code randint} makes a discrete domain).
   */
  public static double complexity(SearchSpace space, int decision) {
    Optional<Distribution> d =
        space instanceof ConditionalSpace c ? c.distribution(decision) : Optional.empty();
    if (d.isPresent() && !d.get().discrete()) {
      double[] iv = d.get().interval(MASS);
      return 2 + Math.abs(iv[1] - iv[0]);
    }
    return 2 - 1.0 / space.decisions().get(decision).cardinality();
  }

  /** Whether {@code a} lies in this subspace. */
  public boolean contains(SearchSpace space, Architecture a) {
    return key(space, a).equals(key);
  }

  /**
   * A random architecture of this subspace: every domain uniform over its options (a draw from
   * its distribution), with rejection of architectures that break the space's constraints.
   *
   * @return null when {@code attempts} draws found no valid one
   */
  public Architecture sample(SearchSpace space, RandomGenerator rng, int attempts) {
    for (int t = 0; t < attempts; t++) {
      int[] c = base.choices();
      for (int d : domains) {
        c[d] = rng.nextInt(space.decisions().get(d).cardinality());
      }
      Architecture a = space.canonical(new Architecture(space.name(), c));
      if (space.isValid(a)) {
        return a;
      }
    }
    return null;
  }

  /** Grid points of the domains (the size without constraints), saturating at Long.MAX_VALUE. */
  public long gridSize(SearchSpace space) {
    long s = 1;
    try {
      for (int d : domains) {
        s = Math.multiplyExact(s, space.decisions().get(d).cardinality());
      }
      return s;
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Every valid architecture of this subspace, in odometer order; call only when {@link #gridSize} is small. */
  public List<Architecture> members(SearchSpace space) {
    List<Architecture> out = new ArrayList<>();
    int[] c = base.choices();
    while (true) {
      Architecture a = space.canonical(new Architecture(space.name(), c));
      if (space.isValid(a)) {
        out.add(a);
      }
      int k = domains.size() - 1;
      while (k >= 0 && ++c[domains.get(k)] == space.decisions().get(domains.get(k)).cardinality()) {
        c[domains.get(k)] = 0;
        k--;
      }
      if (k < 0) {
        return out;
      }
    }
  }
}
