package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Generic behaviour over a list of decisions: uniform sampling with rejection of invalid
 * architectures, one-decision mutation and neighbourhoods, odometer enumeration, and a default
 * {@code name=label,...} encoding. Spaces override {@link #violation} for constraints and
 * {@link #encode}/{@link #decode} for their own string forms. Spaces with conditional decisions
 * override {@link #isActive} and {@link #canonical}: sampling, mutation, neighbours, enumeration
 * and the JSON form then respect them.
 */
public abstract class AbstractSearchSpace implements SearchSpace {
  /** Spaces larger than this are not enumerated. */
  public static final BigInteger MAX_ENUMERABLE = BigInteger.valueOf(10_000_000);

  private static final int MAX_REJECTIONS = 10_000;

  private final String name;
  private final List<Decision> decisions;

  protected AbstractSearchSpace(String name, List<Decision> decisions) {
    this.name = name;
    this.decisions = List.copyOf(decisions);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Decision> decisions() {
    return decisions;
  }

  @Override
  public Optional<String> violation(Architecture arch) {
    return structuralViolation(arch);
  }

  /** Checks space name, length and index ranges; subclasses add their constraints. */
  protected final Optional<String> structuralViolation(Architecture arch) {
    if (!arch.space().equals(name)) {
      return Optional.of("architecture belongs to space '" + arch.space() + "', not '" + name + "'");
    }
    if (arch.size() != decisions.size()) {
      return Optional.of(
          "architecture has " + arch.size() + " decisions, space has " + decisions.size());
    }
    for (int i = 0; i < decisions.size(); i++) {
      Decision d = decisions.get(i);
      if (arch.get(i) < 0 || arch.get(i) >= d.cardinality()) {
        return Optional.of(
            "decision " + d.name() + " has index " + arch.get(i) + ", valid: 0.." + (d.cardinality() - 1));
      }
    }
    return Optional.empty();
  }

  @Override
  public Architecture sample(RandomGenerator rng) {
    for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      int[] c = new int[decisions.size()];
      for (int i = 0; i < c.length; i++) {
        c[i] = rng.nextInt(decisions.get(i).cardinality());
      }
      Architecture a = canonical(new Architecture(name, c));
      if (isValid(a)) {
        return a;
      }
    }
    throw new IllegalStateException("space " + name + ": no valid architecture after " + MAX_REJECTIONS + " samples");
  }

  @Override
  public Architecture mutate(Architecture arch, RandomGenerator rng) {
    // Pick a random active decision and a random other value; retry when the result breaks a
    // constraint.
    List<Integer> mutable = new ArrayList<>();
    for (int i = 0; i < decisions.size(); i++) {
      if (decisions.get(i).cardinality() > 1 && isActive(arch, i)) {
        mutable.add(i);
      }
    }
    if (mutable.isEmpty()) {
      throw new IllegalStateException("space " + name + " has no active decision with two options");
    }
    for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      int d = mutable.get(rng.nextInt(mutable.size()));
      int card = decisions.get(d).cardinality();
      int v = (arch.get(d) + 1 + rng.nextInt(card - 1)) % card;
      Architecture child = activated(arch, arch.with(d, v), rng);
      if (isValid(child)) {
        return child;
      }
    }
    List<Architecture> all = neighbours(arch);
    if (all.isEmpty()) {
      throw new IllegalStateException("architecture has no valid neighbour: " + encode(arch));
    }
    return all.get(rng.nextInt(all.size()));
  }

  /**
   * {@code child} (one decision of {@code parent} changed) with random values for the decisions
   * that the change activates, in index order (their own children included), made canonical.
   * Draws nothing when no decision is conditional.
   */
  private Architecture activated(Architecture parent, Architecture child, RandomGenerator rng) {
    boolean[] drawn = new boolean[decisions.size()];
    for (int i = newlyActive(parent, child, drawn); i >= 0; i = newlyActive(parent, child, drawn)) {
      drawn[i] = true;
      child = child.with(i, rng.nextInt(decisions.get(i).cardinality()));
    }
    return canonical(child);
  }

  /** The first decision active in {@code child}, inactive in {@code parent} and not yet drawn, or -1. */
  private int newlyActive(Architecture parent, Architecture child, boolean[] drawn) {
    for (int i = 0; i < decisions.size(); i++) {
      if (!drawn[i] && !isActive(parent, i) && isActive(child, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Every completion of {@code child} over the decisions its change activated (see {@link #activated}). */
  private void completions(Architecture parent, Architecture child, boolean[] drawn, Set<Architecture> out) {
    int i = newlyActive(parent, child, drawn);
    if (i < 0) {
      out.add(canonical(child));
      return;
    }
    drawn[i] = true;
    for (int v = 0; v < decisions.get(i).cardinality(); v++) {
      completions(parent, child.with(i, v), drawn, out);
    }
    drawn[i] = false;
  }

  @Override
  public List<Architecture> neighbours(Architecture arch) {
    Set<Architecture> out = new LinkedHashSet<>();
    for (int d = 0; d < decisions.size(); d++) {
      if (!isActive(arch, d)) {
        continue;
      }
      for (int v = 0; v < decisions.get(d).cardinality(); v++) {
        if (v != arch.get(d)) {
          Set<Architecture> completed = new LinkedHashSet<>();
          completions(arch, arch.with(d, v), new boolean[decisions.size()], completed);
          for (Architecture n : completed) {
            if (isValid(n)) {
              out.add(n);
            }
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Product of the cardinalities (the size when there are no constraints). */
  protected final BigInteger gridSize() {
    BigInteger s = BigInteger.ONE;
    for (Decision d : decisions) {
      s = s.multiply(BigInteger.valueOf(d.cardinality()));
    }
    return s;
  }

  @Override
  public BigInteger size() {
    if (isEnumerable()) {
      return BigInteger.valueOf(enumerate().count());
    }
    return gridSize();
  }

  @Override
  public boolean isEnumerable() {
    return gridSize().compareTo(MAX_ENUMERABLE) <= 0;
  }

  @Override
  public Stream<Architecture> enumerate() {
    if (!isEnumerable()) {
      throw new UnsupportedOperationException(
          "space " + name + " has " + gridSize() + " grid points; too many to enumerate");
    }
    // a grid point whose inactive decisions are not at 0 repeats its canonical form: skip it
    return odometer(
            c -> {
              int i = c.length - 1;
              while (i >= 0) {
                if (++c[i] < decisions.get(i).cardinality()) {
                  break;
                }
                c[i] = 0;
                i--;
              }
              return i >= 0;
            })
        .filter(a -> isValid(a) && canonical(a).equals(a));
  }

  /**
   * The architectures an odometer passes, from all decisions at index 0: {@code advance} turns
   * the choices to the next point in place and answers false when there is none.
   */
  protected final Stream<Architecture> odometer(Predicate<int[]> advance) {
    Iterator<Architecture> it =
        new Iterator<>() {
          final int[] c = new int[decisions.size()];
          boolean done = false;

          @Override
          public boolean hasNext() {
            return !done;
          }

          @Override
          public Architecture next() {
            if (done) {
              throw new NoSuchElementException();
            }
            Architecture a = new Architecture(name, c);
            done = !advance.test(c);
            return a;
          }
        };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
  }

  @Override
  public String encode(Architecture arch) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < decisions.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(decisions.get(i).name()).append('=').append(decisions.get(i).label(arch.get(i)));
    }
    return sb.toString();
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty architecture string for space " + name);
    }
    String[] parts = text.trim().split(",", -1);
    if (parts.length != decisions.size()) {
      throw new BadInputException(
          "architecture string for space " + name + " has " + parts.length + " parts, expected "
              + decisions.size() + " (name=value separated by commas)");
    }
    int[] c = new int[decisions.size()];
    for (int i = 0; i < parts.length; i++) {
      Decision d = decisions.get(i);
      int eq = parts[i].indexOf('=');
      if (eq < 0) {
        throw new BadInputException("part " + (i + 1) + " '" + parts[i] + "' is not name=value");
      }
      String key = parts[i].substring(0, eq).trim();
      String value = parts[i].substring(eq + 1).trim();
      if (!key.equals(d.name())) {
        throw new BadInputException(
            "part " + (i + 1) + " names decision '" + key + "', expected '" + d.name() + "'");
      }
      c[i] = d.indexOf(value);
      if (c[i] < 0) {
        throw new BadInputException(
            "part " + (i + 1) + ": '" + value + "' is not a value of " + d.name() + " (valid: "
                + labels(d) + ")");
      }
    }
    return checked(new Architecture(name, c), text);
  }

  /** Returns {@code arch} or throws a BadInputException naming the broken constraint. */
  protected final Architecture checked(Architecture arch, String text) {
    Optional<String> v = violation(arch);
    if (v.isPresent()) {
      throw new BadInputException("architecture '" + text + "' is invalid in space " + name + ": " + v.get());
    }
    return arch;
  }

  protected static String labels(Decision d) {
    List<String> l = new ArrayList<>();
    int n = d.cardinality();
    // a quantile grid has a thousand options: its ends tell the range
    for (int i = 0; i < n; i++) {
      if (n > MAX_LISTED_LABELS && i == MAX_LISTED_LABELS / 2) {
        l.add("...");
        i = n - MAX_LISTED_LABELS / 2;
      }
      l.add(d.label(i));
    }
    return String.join(", ", l) + (n > MAX_LISTED_LABELS ? " (" + n + " options)" : "");
  }

  /** Most option labels an error message lists in full. */
  private static final int MAX_LISTED_LABELS = 20;

  @Override
  public ObjectNode toJson(Architecture arch) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("space", name);
    o.put("string", encode(arch));
    ObjectNode d = o.putObject("decisions");
    for (int i = 0; i < decisions.size(); i++) {
      if (isActive(arch, i)) {
        d.put(decisions.get(i).name(), decisions.get(i).label(arch.get(i)));
      }
    }
    return o;
  }

  @Override
  public Architecture fromJson(ObjectNode json) {
    JsonNode sp = json.get("space");
    if (sp != null && !sp.asText().equals(name)) {
      throw new BadInputException("architecture JSON is for space '" + sp.asText() + "', not '" + name + "'");
    }
    JsonNode s = json.get("string");
    if (s != null && s.isTextual()) {
      return decode(s.asText());
    }
    JsonNode d = json.get("decisions");
    if (d == null || !d.isObject()) {
      throw new BadInputException("architecture JSON needs a \"string\" or a \"decisions\" object");
    }
    int[] c = new int[decisions.size()];
    for (int i = 0; i < decisions.size(); i++) {
      Decision dec = decisions.get(i);
      JsonNode v = d.get(dec.name());
      if (v == null) {
        continue; // inactive decisions are left out; checked below
      }
      c[i] = dec.indexOf(v.asText());
      if (c[i] < 0) {
        throw new BadInputException(
            "decision " + dec.name() + ": '" + v.asText() + "' is not valid (valid: " + labels(dec) + ")");
      }
    }
    Architecture arch = new Architecture(name, c);
    for (int i = 0; i < decisions.size(); i++) {
      boolean given = d.has(decisions.get(i).name());
      if (given != isActive(arch, i)) {
        throw new BadInputException(
            given
                ? "architecture JSON gives decision '" + decisions.get(i).name() + "', which is inactive in it; leave it out"
                : "architecture JSON lacks decision '" + decisions.get(i).name() + "'");
      }
    }
    return checked(arch, json.toString());
  }
}
