package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Params;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A space written in the config: named decisions, each a list of options (numbers or strings,
 * labelled by their text), some active only when other decisions take given values. The form of
 * hyperparameter search and of small architecture spaces:
 *
 * <pre>
 * space:
 *   name: declarative
 *   params:
 *     decisions:
 *       - {name: depth, options: [1, 2, 3]}
 *       - {name: optimizer, options: [sgd, adam]}
 *       - {name: momentum, options: [0.8, 0.9], when: {optimizer: [sgd]}}
 * </pre>
 *
 * <p>{@code when} maps decision names to the values that activate this decision (all must hold,
 * and each named decision must itself be active); conditions may chain in any declaration order
 * but not form a cycle. An inactive decision holds its first option, so equal configurations are
 * equal architectures. The canonical string lists the active decisions in declaration order,
 * {@code depth=2,optimizer=adam}; decoding fills in the inactive ones.
 */
public final class DeclarativeSpace extends AbstractSearchSpace implements ConditionalSpace {
  public static final String NAME = "declarative";
  private static final String COMPONENT = "search space " + NAME;
  private static final Pattern DECISION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  /** What {@code params} binds to. */
  record Settings(List<DecisionSettings> decisions) {}

  /**
   * @param when decision name to the list of values (or one value) that activate this decision
   */
  record DecisionSettings(String name, List<JsonNode> options, LinkedHashMap<String, JsonNode> when) {}

  /** Decision {@code parent} must be active and hold one of {@code values} (option indices). */
  private record Condition(int parent, boolean[] values) {}

  /** Per decision, the conditions that all must hold for it to be active (empty: always active). */
  private final List<List<Condition>> conditions;
  /** Decision indices ordered so that every decision comes after those its conditions read. */
  private final int[] order;
  /** Whether some condition reads the decision. */
  private final boolean[] read;
  private final Map<String, Integer> index = new HashMap<>();
  private final BigInteger size;

  private DeclarativeSpace(String name, List<Decision> decisions, List<List<Condition>> conditions) {
    super(name, decisions);
    this.conditions = conditions;
    for (int i = 0; i < decisions.size(); i++) {
      index.put(decisions.get(i).name(), i);
    }
    this.read = new boolean[decisions.size()];
    conditions.forEach(cs -> cs.forEach(c -> read[c.parent()] = true));
    this.order = topologicalOrder();
    boolean[] everActive = new boolean[decisions.size()];
    this.size = count(everActive);
    if (size != null) {
      for (int i = 0; i < everActive.length; i++) {
        if (!everActive[i]) {
          throw new BadInputException(
              COMPONENT + ": decision '" + decisions.get(i).name() + "' can never be active: no architecture meets"
                  + " its condition (" + condition(i) + ")");
        }
      }
    }
  }

  /**
   * Reads {@code {decisions: [{name, options, when}, ...]}}.
   *
   * @throws BadInputException naming the decision (and option) that is wrong
   */
  public static DeclarativeSpace fromParams(JsonNode params) {
    return fromParams(NAME, params);
  }

  /** {@link #fromParams(JsonNode)} for a space registered under another name ({@link HyperparameterSpace}). */
  static DeclarativeSpace fromParams(String spaceName, JsonNode params) {
    Settings s = Params.bind(COMPONENT, params, Settings.class);
    if (s.decisions() == null || s.decisions().isEmpty()) {
      throw new BadInputException(
          COMPONENT + " needs parameter 'decisions': a non-empty list of {name, options, when}, e.g."
              + " [{name: depth, options: [1, 2, 3]}]");
    }
    List<Decision> decisions = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < s.decisions().size(); i++) {
      DecisionSettings d = s.decisions().get(i);
      String where = COMPONENT + ": decisions[" + i + "]";
      if (d == null || d.name() == null) {
        throw new BadInputException(where + " needs a 'name'");
      }
      if (!DECISION_NAME.matcher(d.name()).matches()) {
        throw new BadInputException(
            where + ": name '" + d.name() + "' may hold only letters, digits, '_', '-' and '.', and must start with a letter or '_'");
      }
      Integer before = names.putIfAbsent(d.name(), i);
      if (before != null) {
        throw new BadInputException(where + ": decision name '" + d.name() + "' is already used by decisions[" + before + "]");
      }
      decisions.add(new Decision.Categorical(d.name(), labels(d)));
    }
    List<List<Condition>> conditions = new ArrayList<>();
    for (DecisionSettings d : s.decisions()) {
      List<Condition> cs = new ArrayList<>();
      if (d.when() != null) {
        if (d.when().isEmpty()) {
          throw new BadInputException(decisionWhere(d.name()) + ": 'when' is empty; leave it out for a decision that is always active");
        }
        for (Map.Entry<String, JsonNode> e : d.when().entrySet()) {
          cs.add(condition(d.name(), e.getKey(), e.getValue(), names, decisions));
        }
      }
      conditions.add(List.copyOf(cs));
    }
    return new DeclarativeSpace(spaceName, decisions, List.copyOf(conditions));
  }

  private static String decisionWhere(String name) {
    return COMPONENT + ": decision '" + name + "'";
  }

  /** The option labels of a decision: a number's plain text, a string as written. */
  private static List<String> labels(DecisionSettings d) {
    String where = decisionWhere(d.name());
    if (d.options() == null || d.options().isEmpty()) {
      throw new BadInputException(where + " needs a non-empty list 'options'");
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < d.options().size(); k++) {
      String label = label(d.options().get(k));
      if (label == null) {
        throw new BadInputException(where + ": option " + k + " must be a number or a string, got " + d.options().get(k));
      }
      if (label.isEmpty() || !label.equals(label.strip())) {
        throw new BadInputException(where + ": option " + k + " '" + label + "' is empty or starts or ends with a space");
      }
      if (label.contains(",") || label.contains("=")) {
        throw new BadInputException(where + ": option '" + label + "' may not contain ',' or '=' (they separate the canonical string)");
      }
      int first = out.indexOf(label);
      if (first >= 0) {
        throw new BadInputException(
            where + ": options " + first + " (" + d.options().get(first) + ") and " + k + " (" + d.options().get(k)
                + ") are the same value '" + label + "'");
      }
      out.add(label);
    }
    return out;
  }

  /**
   * The label of a config value: a number in plain form without trailing zeros (so 0.10, 0.1 and
   * 1e-1 match), a string or boolean as its text; null for anything else (lists, objects, NaN).
   */
  public static String label(JsonNode v) {
    if (v == null || v.isNumber() && !Double.isFinite(v.doubleValue())) {
      return null;
    }
    if (v.isNumber()) {
      BigDecimal d = v.decimalValue().stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    if (v.isTextual() || v.isBoolean()) {
      return v.asText();
    }
    return null;
  }

  private static Condition condition(
      String child, String parent, JsonNode values, Map<String, Integer> names, List<Decision> decisions) {
    String where = decisionWhere(child) + ": when." + parent;
    Integer p = names.get(parent);
    if (p == null) {
      throw new BadInputException(
          decisionWhere(child) + ": 'when' names '" + parent + "', which is not a decision (decisions: "
              + decisions.stream().map(Decision::name).collect(Collectors.joining(", ")) + ")");
    }
    if (parent.equals(child)) {
      throw new BadInputException(decisionWhere(child) + ": 'when' names the decision itself");
    }
    Decision d = decisions.get(p);
    List<JsonNode> list = new ArrayList<>();
    if (values != null && values.isArray()) {
      values.forEach(list::add);
    } else {
      list.add(values);
    }
    if (list.isEmpty()) {
      throw new BadInputException(where + " must list at least one option of '" + parent + "'");
    }
    boolean[] allowed = new boolean[d.cardinality()];
    for (JsonNode v : list) {
      int k = d.indexOf(String.valueOf(label(v)));
      if (k < 0) {
        throw new BadInputException(
            where + ": " + v + " is not an option of '" + parent + "' (options: " + labels(d) + ")");
      }
      allowed[k] = true;
    }
    return new Condition(p, allowed);
  }

  /** Kahn's algorithm over "parent before child"; a leftover means a cycle, which is named. */
  private int[] topologicalOrder() {
    int n = decisions().size();
    int[] waiting = new int[n];
    List<List<Integer>> children = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      children.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (Condition c : conditions.get(i)) {
        waiting[i]++;
        children.get(c.parent()).add(i);
      }
    }
    int[] out = new int[n];
    int done = 0;
    // always take the lowest ready index, so the order follows the declaration where it can
    java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out[done++] = i;
      for (int c : children.get(i)) {
        if (--waiting[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (done < n) {
      List<String> cycle = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (waiting[i] > 0) {
          cycle.add(decisions().get(i).name());
        }
      }
      throw new BadInputException(
          COMPONENT + ": the 'when' conditions of decisions " + String.join(", ", cycle)
              + " form a cycle (a decision's condition may not depend, directly or through others, on itself)");
    }
    return out;
  }

  /** Which decisions are active in {@code choices}, computed parents first. */
  private boolean[] active(int[] choices) {
    boolean[] active = new boolean[order.length];
    for (int i : order) {
      active[i] = meets(i, choices, active);
    }
    return active;
  }

  /** Whether decision i's conditions hold, given the activity of the decisions they read. */
  private boolean meets(int i, int[] choices, boolean[] active) {
    for (Condition c : conditions.get(i)) {
      if (!active[c.parent()] || !c.values()[choices[c.parent()]]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean gates(int decision) {
    return read[decision];
  }

  @Override
  public boolean isActive(Architecture arch, int decision) {
    return conditions.get(decision).isEmpty() || active(arch.choices())[decision];
  }

  @Override
  public Architecture canonical(Architecture arch) {
    int[] c = arch.choices();
    boolean[] active = active(c);
    boolean changed = false;
    for (int i = 0; i < c.length; i++) {
      if (!active[i] && c[i] != 0) {
        c[i] = 0;
        changed = true;
      }
    }
    return changed ? new Architecture(name(), c) : arch;
  }

  /** The condition of decision i in words, e.g. {@code optimizer is sgd}. */
  private String condition(int i) {
    List<String> parts = new ArrayList<>();
    for (Condition c : conditions.get(i)) {
      Decision p = decisions().get(c.parent());
      List<String> values = new ArrayList<>();
      for (int k = 0; k < c.values().length; k++) {
        if (c.values()[k]) {
          values.add(p.label(k));
        }
      }
      parts.add(p.name() + (values.size() == 1 ? " is " + values.get(0) : " is one of " + String.join(", ", values)));
    }
    return String.join(" and ", parts);
  }

  @Override
  public Optional<String> violation(Architecture arch) {
    Optional<String> v = structuralViolation(arch);
    if (v.isPresent()) {
      return v;
    }
    boolean[] active = active(arch.choices());
    for (int i = 0; i < active.length; i++) {
      if (!active[i] && arch.get(i) != 0) {
        Decision d = decisions().get(i);
        return Optional.of(
            "decision " + d.name() + " is inactive (it applies when " + condition(i) + ") but holds option '"
                + d.label(arch.get(i)) + "'; an inactive decision holds its first option");
      }
    }
    return Optional.empty();
  }

  @Override
  public BigInteger size() {
    return size != null ? size : gridSize();
  }

  @Override
  public boolean isEnumerable() {
    return size().compareTo(MAX_ENUMERABLE) <= 0;
  }

  /**
   * The exact number of canonical architectures, noting in {@code everActive} the decisions some
   * architecture activates; null when the decisions that conditions read have too many
   * combinations to walk.
   */
  private BigInteger count(boolean[] everActive) {
    long[] budget = {MAX_ENUMERABLE.longValueExact()};
    return count(0, new int[order.length], new boolean[order.length], everActive, budget);
  }

  // Branches only on decisions that conditions read; the others multiply the count.
  private BigInteger count(int k, int[] c, boolean[] active, boolean[] everActive, long[] budget) {
    if (--budget[0] < 0) {
      return null;
    }
    if (k == order.length) {
      return BigInteger.ONE;
    }
    int i = order[k];
    active[i] = meets(i, c, active);
    everActive[i] |= active[i];
    if (!active[i] || !read[i]) {
      BigInteger rest = count(k + 1, c, active, everActive, budget);
      return rest == null || !active[i] ? rest : rest.multiply(BigInteger.valueOf(decisions().get(i).cardinality()));
    }
    BigInteger sum = BigInteger.ZERO;
    for (int v = 0; v < decisions().get(i).cardinality(); v++) {
      c[i] = v;
      BigInteger rest = count(k + 1, c, active, everActive, budget);
      if (rest == null) {
        return null;
      }
      sum = sum.add(rest);
    }
    c[i] = 0;
    return sum;
  }

  /** Canonical architectures only, as an odometer over the decisions in dependency order. */
  @Override
  public Stream<Architecture> enumerate() {
    if (!isEnumerable()) {
      throw new UnsupportedOperationException("space " + name() + " has " + size() + " architectures; too many to enumerate");
    }
    return odometer(
        c -> {
          boolean[] active = active(c);
          int k = order.length - 1;
          while (k >= 0 && !(active[order[k]] && c[order[k]] + 1 < decisions().get(order[k]).cardinality())) {
            k--;
          }
          if (k < 0) {
            return false;
          }
          c[order[k]]++;
          // later decisions restart at their first option (canonical whether they are active or not)
          for (int j = k + 1; j < order.length; j++) {
            c[order[j]] = 0;
          }
          return true;
        });
  }

  @Override
  public String encode(Architecture arch) {
    boolean[] active = active(arch.choices());
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < active.length; i++) {
      if (active[i]) {
        parts.add(decisions().get(i).name() + "=" + decisions().get(i).label(arch.get(i)));
      }
    }
    return String.join(",", parts);
  }

  @Override
  public Architecture decode(String text) {
    if (text == null || text.isBlank()) {
      throw new BadInputException("empty architecture string for space " + name());
    }
    String s = text.trim();
    int[] c = new int[decisions().size()];
    boolean[] given = new boolean[c.length];
    int previous = -1;
    for (String part : s.split(",", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new BadInputException("'" + part + "' in '" + s + "' is not decision=value");
      }
      String key = part.substring(0, eq);
      Integer i = index.get(key);
      if (i == null) {
        throw new BadInputException(
            "'" + s + "': '" + key + "' is not a decision of this space (decisions: "
                + decisions().stream().map(Decision::name).collect(Collectors.joining(", ")) + ")");
      }
      if (i <= previous) {
        throw new BadInputException(
            "'" + s + "': decision '" + key + "' " + (given[i] ? "appears twice" : "is out of order")
                + " (decisions come in declaration order: "
                + decisions().stream().map(Decision::name).collect(Collectors.joining(", ")) + ")");
      }
      Decision d = decisions().get(i);
      c[i] = d.indexOf(part.substring(eq + 1));
      if (c[i] < 0) {
        throw new BadInputException(
            "'" + s + "': '" + part.substring(eq + 1) + "' is not an option of " + key + " (options: " + labels(d) + ")");
      }
      given[i] = true;
      previous = i;
    }
    boolean[] active = active(c);
    for (int i = 0; i < c.length; i++) {
      if (given[i] && !active[i]) {
        throw new BadInputException(
            "'" + s + "': decision '" + decisions().get(i).name() + "' is inactive here (it applies when "
                + condition(i) + "); leave it out");
      }
      if (!given[i] && active[i]) {
        throw new BadInputException("'" + s + "' lacks decision '" + decisions().get(i).name() + "'");
      }
    }
    return checked(new Architecture(name(), c), s);
  }

  @Override
  public String toString() {
    return NAME + Arrays.toString(decisions().stream().map(Decision::name).toArray());
  }
}
