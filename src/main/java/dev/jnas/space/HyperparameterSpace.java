package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Json;
import dev.jnas.util.Params;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Hyperparameters drawn from distributions, with nested conditional subspaces (SHADHO's search
 * spaces), written in the config:
 *
 * <pre>
 * space:
 *   name: hyperparameters
 *   params:
 *     architecture: {space: nasbench201, string: "|nor_conv_3x3~0|+|..."}   # what a trial trains (optional)
 *     quantiles: 1000                                  # grid of a continuous distribution
 *     parameters:
 *       learning_rate: {log_uniform: [0.001, 0.3]}
 *       weight_decay: {log_uniform: [1.0e-5, 1.0e-3]}
 *       batch_size: [64, 128]                          # a choice
 *       epochs: 2                                      # a constant
 *       momentum: {uniform: [0.8, 0.99]}
 *       schedule:
 *         choice:
 *           cosine: {}
 *           step: {}
 * </pre>
 *
 * <p>A parameter is a constant, a list of options, {@code {choice: [...]}}, {@code {choice:
 * {option: {nested parameters}, ...}}} (a conditional subspace per option), {@code {uniform:
 * [low, high]}}, {@code {log_uniform: [low, high]}} (0 &lt; low), {@code {normal: [mean, std]}}
 * or {@code {integer: [low, high]}}. A continuous distribution becomes a decision over {@code
 * quantiles} equal-probability quantiles ({@link Distribution#grid}), labelled by their values
 * with as few significant digits as keep them apart, so a uniformly drawn index is a draw from
 * the distribution, and sampling, mutation, neighbours, the canonical string, the store and
 * resume all work as on any space; the label is the value a trial uses. A nested parameter is
 * named by its path, {@code optimizer.sgd.momentum}, and active only when its option is chosen;
 * the canonical string lists the active ones: {@code
 * learning_rate=0.0123,optimizer=sgd,optimizer.sgd.momentum=0.912}.
 *
 * <p>Built on {@link DeclarativeSpace} (each parameter one decision, each nesting a {@code when}
 * condition), to which every {@link SearchSpace} method delegates.
 */
public final class HyperparameterSpace implements ConditionalSpace, DrawableSpace {
  public static final String NAME = "hyperparameters";
  public static final int DEFAULT_QUANTILES = 1000;
  public static final int MAX_QUANTILES = 100_000;
  /** Most integers an {@code integer} distribution may hold (each one an option). */
  public static final int MAX_INTEGERS = 100_000;
  /** The distributions a parameter may name, as the config writes them. */
  public static final List<String> DISTRIBUTIONS = List.of("uniform", "log_uniform", "normal", "integer", "choice");

  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final String SHAPES =
      "a constant, a list of options, {choice: [...]} or {choice: {option: {parameters}}}, {uniform: [low, high]},"
          + " {log_uniform: [low, high]}, {normal: [mean, std]} or {integer: [low, high]}";

  private final DeclarativeSpace inner;
  private final Map<Integer, Distribution> distributions;
  private final List<String> fields;
  private final FixedArchitecture architecture;
  private final JsonNode params;

  /**
   * The architecture every trial of a hyperparameter search trains.
   *
   * @param section the {@code space} section it comes from (a name or {name|class, params})
   */
  public record FixedArchitecture(SearchSpace space, JsonNode section, Architecture arch) {
    /** Its canonical string. */
    public String string() {
      return space.encode(arch);
    }
  }

  /** What {@code params} binds to. */
  record Settings(JsonNode parameters, Integer quantiles, JsonNode architecture) {}

  private HyperparameterSpace(
      DeclarativeSpace inner, Map<Integer, Distribution> distributions, List<String> fields, FixedArchitecture architecture,
      JsonNode params) {
    this.inner = inner;
    this.distributions = Map.copyOf(distributions);
    this.fields = List.copyOf(fields);
    this.architecture = architecture;
    this.params = params.deepCopy();
  }

  /**
   * Reads {@code {parameters: {...}, quantiles, architecture: {space, string}}}.
   *
   * @throws ConfigException naming the field (relative to {@code params}, e.g. {@code
   *     parameters.optimizer.choice.sgd.momentum.uniform}) that is wrong
   */
  public static HyperparameterSpace fromParams(JsonNode params) {
    Settings s = Params.bind("search space " + NAME, params, Settings.class);
    if (s.parameters() == null || !s.parameters().isObject() || s.parameters().isEmpty()) {
      throw ConfigException.invalid(
          "parameters", "must be a non-empty mapping of hyperparameter names to distributions, e.g."
              + " {learning_rate: {log_uniform: [0.001, 0.3]}}");
    }
    int quantiles = s.quantiles() == null ? DEFAULT_QUANTILES : s.quantiles();
    if (quantiles < 2 || quantiles > MAX_QUANTILES) {
      throw ConfigException.invalid("quantiles", "must be in 2.." + MAX_QUANTILES + ", got " + quantiles);
    }
    Builder b = new Builder(quantiles);
    b.parameters(s.parameters(), "parameters", "", null);
    ObjectNode declared = Json.MAPPER.createObjectNode();
    declared.set("decisions", b.decisions);
    DeclarativeSpace inner = DeclarativeSpace.fromParams(NAME, declared);
    FixedArchitecture fixed = s.architecture() == null ? null : fixed(s.architecture());
    return new HyperparameterSpace(inner, b.distributions, b.fields, fixed, params == null ? Json.MAPPER.createObjectNode() : params);
  }

  /** {@code architecture: {space: <a space section>, string: <its canonical string>}}. */
  private static FixedArchitecture fixed(JsonNode a) {
    if (!a.isObject() || !a.has("space") || !a.path("string").isTextual()) {
      throw ConfigException.invalid(
          "architecture", "must be {space: <a space, as the top-level 'space' section>, string: <an architecture of it>}");
    }
    for (var it = a.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("space") && !f.equals("string")) {
        throw ConfigException.unknownField("architecture." + f, List.of("space", "string"));
      }
    }
    SearchSpace space;
    try {
      space = SearchSpaces.fromConfig(a.get("space"));
    } catch (BadInputException e) {
      throw ConfigException.within("architecture.space", e);
    }
    if (space instanceof HyperparameterSpace) {
      throw ConfigException.invalid("architecture.space", "must be an architecture space, not " + NAME);
    }
    try {
      return new FixedArchitecture(space, a.get("space").deepCopy(), space.decode(a.get("string").asText()));
    } catch (BadInputException e) {
      throw ConfigException.within("architecture.string", e);
    }
  }

  /** Turns the parameter tree into declarative decisions, parents before children. */
  private static final class Builder {
    final int quantiles;
    final ArrayNode decisions = Json.MAPPER.createArrayNode();
    final Map<Integer, Distribution> distributions = new HashMap<>();
    final List<String> fields = new ArrayList<>();

    Builder(int quantiles) {
      this.quantiles = quantiles;
    }

    /**
     * @param prefix the decision-name prefix of these parameters ("" at the top, {@code
     *     optimizer.sgd.} under option sgd of optimizer)
     * @param when the condition that activates them (null at the top)
     */
    void parameters(JsonNode object, String field, String prefix, ObjectNode when) {
      for (var it = object.fields(); it.hasNext(); ) {
        var e = it.next();
        String where = field + "." + e.getKey();
        if (!PARAMETER_NAME.matcher(e.getKey()).matches()) {
          throw ConfigException.invalid(
              where, "is not a valid name: letters, digits, '_' and '-', starting with a letter or '_'");
        }
        parameter(e.getValue(), where, prefix + e.getKey(), when);
      }
    }

    void parameter(JsonNode spec, String where, String name, ObjectNode when) {
      ObjectNode d = decisions.addObject();
      d.put("name", name);
      fields.add(where);
      if (when != null) {
        d.set("when", when);
      }
      ArrayNode options = d.putArray("options");
      if (spec == null || spec.isNull() || spec.isContainerNode() && spec.isEmpty()) {
        throw ConfigException.invalid(where, "is empty; it must be " + SHAPES);
      }
      if (spec.isValueNode()) {
        options.add(label(spec, where));
        return;
      }
      if (spec.isArray()) {
        choices(spec, where, options);
        return;
      }
      if (spec.size() != 1) {
        throw ConfigException.invalid(where, "must have one key, its distribution (" + String.join(", ", DISTRIBUTIONS) + "): " + SHAPES);
      }
      String kind = spec.fieldNames().next();
      JsonNode args = spec.get(kind);
      String at = where + "." + kind;
      if (kind.equals("choice")) {
        if (args.isArray() && !args.isEmpty()) {
          choices(args, at, options);
        } else if (args.isObject() && !args.isEmpty()) {
          subspaces(args, at, name, options);
        } else {
          throw ConfigException.invalid(at, "must be a non-empty list of options or a mapping of options to their parameters");
        }
        return;
      }
      Distribution dist = distribution(kind, args, where, at);
      double[] grid = dist.grid(quantiles);
      List<String> labels = labels(grid, at, dist);
      labels.forEach(options::add);
      distributions.put(decisions.size() - 1, dist);
    }

    void choices(JsonNode list, String where, ArrayNode options) {
      Set<String> seen = new HashSet<>();
      for (int k = 0; k < list.size(); k++) {
        String l = label(list.get(k), where + "[" + k + "]");
        if (!seen.add(l)) {
          throw ConfigException.invalid(where + "[" + k + "]", "repeats option '" + l + "'");
        }
        options.add(l);
      }
    }

    /** {option: {parameters}}: each option's parameters active only when it is chosen. */
    void subspaces(JsonNode map, String where, String name, ArrayNode options) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      map.fields().forEachRemaining(entries::add);
      for (var e : entries) {
        String l = checkedLabel(e.getKey(), where + "." + e.getKey());
        options.add(l);
      }
      for (var e : entries) {
        JsonNode sub = e.getValue();
        String at = where + "." + e.getKey();
        if (sub == null || sub.isNull() || sub.isObject() && sub.isEmpty()) {
          continue;
        }
        if (!sub.isObject()) {
          throw ConfigException.invalid(at, "must be a mapping of the parameters of option '" + e.getKey() + "' (or {} for none)");
        }
        ObjectNode cond = Json.MAPPER.createObjectNode();
        cond.putArray(name).add(e.getKey());
        parameters(sub, at, name + "." + e.getKey() + ".", cond);
      }
    }
  }

  /** The distribution {@code kind} with arguments {@code args}; {@code at} names them in errors. */
  private static Distribution distribution(String kind, JsonNode args, String where, String at) {
    if (!DISTRIBUTIONS.contains(kind)) {
      throw ConfigException.invalid(
          where, "names unknown distribution '" + kind + "' (valid: " + String.join(", ", DISTRIBUTIONS) + ")");
    }
    if (!args.isArray() || args.size() != 2 || !args.get(0).isNumber() || !args.get(1).isNumber()
        || !Double.isFinite(args.get(0).doubleValue()) || !Double.isFinite(args.get(1).doubleValue())) {
      String form = kind.equals("normal") ? "[mean, std]" : "[low, high]";
      throw ConfigException.invalid(at, "must be two finite numbers " + form + ", got " + args);
    }
    double a = args.get(0).doubleValue();
    double b = args.get(1).doubleValue();
    switch (kind) {
      case "uniform" -> {
        requireOrdered(a, b, at);
        return new Distribution.Uniform(a, b);
      }
      case "log_uniform" -> {
        if (!(a > 0)) {
          throw ConfigException.invalid(at, "must have low > 0 (a log-uniform distribution's values are positive), got low " + a);
        }
        requireOrdered(a, b, at);
        return new Distribution.LogUniform(a, b);
      }
      case "normal" -> {
        if (!(b > 0)) {
          throw ConfigException.invalid(at, "must have std > 0, got " + b);
        }
        return new Distribution.Normal(a, b);
      }
      default -> {
        if (!args.get(0).canConvertToLong() || !args.get(1).canConvertToLong() || a != Math.rint(a) || b != Math.rint(b)) {
          throw ConfigException.invalid(at, "must be two integers [low, high], got " + args);
        }
        if (b < a) {
          throw ConfigException.invalid(at, "must have low <= high, got [" + (long) a + ", " + (long) b + "]");
        }
        if (b - a + 1 > MAX_INTEGERS) {
          throw ConfigException.invalid(at, "holds " + (long) (b - a + 1) + " integers; at most " + MAX_INTEGERS
              + " (use log_uniform or uniform for wider ranges)");
        }
        return new Distribution.IntUniform((long) a, (long) b);
      }
    }
  }

  private static void requireOrdered(double a, double b, String at) {
    if (!(a < b)) {
      throw ConfigException.invalid(at, "must have low < high, got [" + a + ", " + b + "]");
    }
  }

  /**
   * Labels of the grid values: the fewest significant digits (at least 3) that keep them apart,
   * so the canonical string stays short and each label is the value trials use.
   */
  private static List<String> labels(double[] grid, String at, Distribution d) {
    if (d.discrete()) {
      List<String> out = new ArrayList<>();
      for (double v : grid) {
        out.add(Long.toString((long) v));
      }
      return out;
    }
    for (int digits = 3; digits <= 17; digits++) {
      List<String> out = new ArrayList<>(grid.length);
      Set<String> seen = new HashSet<>();
      for (double v : grid) {
        String l = number(v, digits);
        if (!seen.add(l)) {
          break;
        }
        out.add(l);
      }
      if (out.size() == grid.length) {
        return out;
      }
    }
    throw ConfigException.invalid(at, "is too narrow for " + grid.length + " distinct quantiles (" + d.describe()
        + "); widen it or lower 'quantiles'");
  }

  /** {@code v} rounded to {@code digits} significant digits, in plain notation unless tiny or huge. */
  static String number(double v, int digits) {
    if (v == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
    double a = Math.abs(v);
    return a >= 1e-6 && a < 1e12 ? d.toPlainString() : d.toString();
  }

  private static String label(JsonNode v, String where) {
    String l = DeclarativeSpace.label(v);
    if (l == null) {
      throw ConfigException.invalid(where, "must be a number, a string or a boolean, got " + v);
    }
    return checkedLabel(l, where);
  }

  private static String checkedLabel(String l, String where) {
    if (l.isEmpty() || !l.equals(l.strip()) || l.contains(",") || l.contains("=")) {
      throw ConfigException.invalid(where, "'" + l + "' may not be empty, start or end with a space, or hold ',' or '='");
    }
    return l;
  }

  /**
   * The hyperparameters of {@code arch} as a chain of decisions in a group, beside the graph of
   * the architecture every trial trains when the config gives one.
   */
  @Override
  public ArchitectureGraph architectureGraph(Architecture arch) {
    ArchitectureGraph values = ArchitectureGraph.ofDecisions(this, arch).grouped("hyperparameters", "hyperparameters");
    if (architecture == null) {
      return values;
    }
    SearchSpace s = architecture.space();
    ArchitectureGraph net = ArchitectureGraph.of(s, architecture.arch());
    return values.plus("h.", net.grouped("architecture", "architecture (" + s.name() + ")"), "a.");
  }

  /** The architecture a hyperparameter trial trains, when the config gives one. */
  public Optional<FixedArchitecture> architecture() {
    return Optional.ofNullable(architecture);
  }

  /** Where decision {@code decision} is written in the params, e.g. {@code parameters.optimizer.choice.sgd.momentum}. */
  public String field(int decision) {
    return fields.get(decision);
  }

  /** The params this space was made from. */
  public JsonNode params() {
    return params.deepCopy();
  }

  /** The active hyperparameters of {@code arch}, path to value label, in declaration order. */
  public Map<String, String> values(Architecture arch) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < decisions().size(); i++) {
      if (isActive(arch, i)) {
        out.put(decisions().get(i).name(), decisions().get(i).label(arch.get(i)));
      }
    }
    return out;
  }

  /** The parameter's own name, the last part of its path: {@code momentum} for {@code optimizer.sgd.momentum}. */
  public static String leaf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  @Override
  public Optional<Distribution> distribution(int decision) {
    return Optional.ofNullable(distributions.get(decision));
  }

  @Override
  public boolean gates(int decision) {
    return inner.gates(decision);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public List<Decision> decisions() {
    return inner.decisions();
  }

  @Override
  public Optional<String> violation(Architecture arch) {
    return inner.violation(arch);
  }

  @Override
  public boolean isActive(Architecture arch, int decision) {
    return inner.isActive(arch, decision);
  }

  @Override
  public Architecture canonical(Architecture arch) {
    return inner.canonical(arch);
  }

  @Override
  public Architecture sample(RandomGenerator rng) {
    return inner.sample(rng);
  }

  @Override
  public Architecture mutate(Architecture arch, RandomGenerator rng) {
    return inner.mutate(arch, rng);
  }

  @Override
  public List<Architecture> neighbours(Architecture arch) {
    return inner.neighbours(arch);
  }

  @Override
  public BigInteger size() {
    return inner.size();
  }

  @Override
  public boolean isEnumerable() {
    return inner.isEnumerable();
  }

  @Override
  public Stream<Architecture> enumerate() {
    return inner.enumerate();
  }

  @Override
  public String encode(Architecture arch) {
    return inner.encode(arch);
  }

  @Override
  public Architecture decode(String text) {
    return inner.decode(text);
  }

  @Override
  public ObjectNode toJson(Architecture arch) {
    return inner.toJson(arch);
  }

  @Override
  public Architecture fromJson(ObjectNode json) {
    return inner.fromJson(json);
  }

  @Override
  public String toString() {
    return NAME + decisions().stream().map(Decision::name).toList();
  }

  /** Registers {@code hyperparameters}. */
  public static final class Provider implements SearchSpaceProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "hyperparameters from distributions (uniform, log_uniform, normal, integer, choice) with nested"
          + " conditional subspaces; architecture: the network every trial trains";
    }

    @Override
    public SearchSpace create(JsonNode params) {
      return fromParams(params);
    }
  }
}
