package dev.jnas.space;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Params;
import java.util.HashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The built-in spaces' providers (registered in {@code
 * META-INF/services/dev.jnas.space.SearchSpaceProvider}), each with the record its config
 * parameters bind to; see README "Spaces" for what they mean.
 */
public final class SpaceProviders {
  private SpaceProviders() {}

  /** A built-in provider's name and description; its parameters are those of "search space NAME". */
  private abstract static class Builtin implements SearchSpaceProvider {
    private final String name;
    private final String description;

    Builtin(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final String description() {
      return description;
    }

    final String component() {
      return "search space " + name;
    }
  }

  /** {@code nasbench201}: {@code cells_per_stage}, {@code channels}. */
  public static final class NasBench201 extends Builtin {
    record Settings(Integer cellsPerStage, Integer channels) {}

    public NasBench201() {
      super(NasBench201Space.NAME, "NAS-Bench-201's cell (15,625 cells) in its trainable skeleton: cells_per_stage"
          + " (default " + NasBench201Space.DEFAULT_CELLS_PER_STAGE + "), channels (default " + NasBench201Space.DEFAULT_CHANNELS + ")");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      return new NasBench201Space(
          Params.atLeast(c, "cells_per_stage", s.cellsPerStage(), NasBench201Space.DEFAULT_CELLS_PER_STAGE, 1),
          Params.atLeast(c, "channels", s.channels(), NasBench201Space.DEFAULT_CHANNELS, 1));
    }
  }

  /** {@code enas-rnn}: {@code nodes}. */
  public static final class EnasRnn extends Builtin {
    record Settings(Integer nodes) {}

    public EnasRnn() {
      super(EnasRnnSpace.NAME, "ENAS's recurrent cell (Pham et al. 2018): nodes (1.." + EnasRnnSpace.MAX_NODES
          + ", default " + EnasRnnSpace.DEFAULT_NODES + "), each reading one earlier node through "
          + String.join(", ", EnasRnnSpace.ACTIVATIONS));
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      int nodes = s.nodes() == null ? EnasRnnSpace.DEFAULT_NODES : s.nodes();
      if (nodes < 1 || nodes > EnasRnnSpace.MAX_NODES) {
        throw Params.bad(c, "nodes", "an integer in 1.." + EnasRnnSpace.MAX_NODES, nodes);
      }
      return new EnasRnnSpace(nodes);
    }
  }

  /** {@code nasrl-rnn}: {@code base}. */
  public static final class NasRlRnn extends Builtin {
    record Settings(Integer base) {}

    public NasRlRnn() {
      super(NasRlRnnSpace.NAME, "NAS-RL's recurrent cell tree (Zoph & Le 2017): base (its leaves, a power of two in "
          + NasRlRnnSpace.MIN_BASE + ".." + NasRlRnnSpace.MAX_BASE + ", default " + NasRlRnnSpace.DEFAULT_BASE
          + "), each node picking " + String.join("/", NasRlRnnSpace.COMBINES) + " and an activation, plus where"
          + " c_{t-1} comes in and c_t is taken");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      int base = s.base() == null ? NasRlRnnSpace.DEFAULT_BASE : s.base();
      if (!NasRlRnnSpace.validBase(base)) {
        throw Params.bad(c, "base", "a power of two in " + NasRlRnnSpace.MIN_BASE + ".." + NasRlRnnSpace.MAX_BASE
            + " (2, 4, 8 or 16: the leaves of a full binary tree)", base);
      }
      return new NasRlRnnSpace(base);
    }
  }

  /**
   * {@code nasrl-macro}: {@code layers}, {@code filter_sizes}, {@code filters}, {@code strides};
   * or, with {@code ops} (names from ENAS's six macro ops), {@code layers} and one {@code filters}
   * count, the width of every layer.
   */
  public static final class NasRlMacro extends Builtin {
    record Settings(Integer layers, List<Integer> filterSizes, List<Integer> filters, Boolean strides, List<String> ops) {}

    public NasRlMacro() {
      super(NasRlMacroSpace.NAME, "NAS-RL's macro CNN (Zoph & Le 2017): layers, filter_sizes, filters, strides;"
          + " or ENAS's macro ops: ops (from " + String.join(", ", NasRlMacroSpace.ENAS_OPS) + "), layers, filters"
          + " (one width, default " + NasRlMacroSpace.DEFAULT_WIDTH + ")");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      if (s.ops() != null) {
        return withOps(c, s);
      }
      return new NasRlMacroSpace(
          Params.atLeast(c, "layers", s.layers(), NasRlMacroSpace.DEFAULT_LAYERS, 1),
          distinct(c, "filter_sizes", s.filterSizes(), NasRlMacroSpace.DEFAULT_FILTER_SIZES,
              k -> k > 0 && k % 2 == 1, "odd positive integers"),
          distinct(c, "filters", s.filters(), NasRlMacroSpace.DEFAULT_FILTERS, f -> f > 0, "positive integers"),
          s.strides() != null && s.strides());
    }

    private static NasRlMacroSpace withOps(String c, Settings s) {
      if (s.filterSizes() != null || s.strides() != null) {
        String other = s.filterSizes() != null ? "filter_sizes" : "strides";
        throw ConfigException.sentence(
            other, c + ": parameter '" + other + "' applies to NAS-RL's filter-size layers, not with 'ops' (ENAS's macro ops)");
      }
      List<String> ops =
          distinct(c, "ops", s.ops(), NasRlMacroSpace.ENAS_OPS, NasRlMacroSpace.ENAS_OPS::contains,
              "names from " + String.join(", ", NasRlMacroSpace.ENAS_OPS));
      List<Integer> width =
          distinct(c, "filters", s.filters(), List.of(NasRlMacroSpace.DEFAULT_WIDTH), f -> f > 0, "positive integers");
      if (width.size() != 1) {
        throw Params.bad(c, "filters", "one count with 'ops' (every layer has the same width), e.g. [36]", width);
      }
      return NasRlMacroSpace.withOps(Params.atLeast(c, "layers", s.layers(), NasRlMacroSpace.DEFAULT_LAYERS, 1), ops, width.get(0));
    }
  }

  /**
   * {@code cell}: {@code blocks}, {@code ops} or {@code preset}, {@code cells_per_stack}, {@code
   * filters}, {@code stacks}, {@code shared_cell}, {@code progressive}.
   */
  public static final class Cell extends Builtin {
    record Settings(
        Integer blocks, List<String> ops, String preset, Integer cellsPerStack, Integer filters, Integer stacks,
        Boolean sharedCell, Boolean progressive) {}

    public Cell() {
      super(CellSpace.NAME, "NASNet/ENAS/PNAS micro cells: blocks, ops or preset (enas, pnas), cells_per_stack, filters,"
          + " stacks, shared_cell (one structure for normal and reduction cells), progressive (cells of 1 to blocks"
          + " blocks, for strategy pnas; implies shared_cell)");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      if (s.ops() != null && s.preset() != null) {
        throw new BadInputException(c + ": give either parameter 'ops' or 'preset', not both");
      }
      String preset = s.preset() == null ? "enas" : s.preset();
      if (!CellSpace.PRESETS.contains(preset)) {
        throw Params.bad(c, "preset", "one of " + String.join(", ", CellSpace.PRESETS), "'" + preset + "'");
      }
      List<String> ops =
          distinct(c, "ops", s.ops(), preset.equals("pnas") ? CellSpace.PNAS_OPS : CellSpace.ENAS_OPS,
              CellSpace.KNOWN_OPS::contains, "names from " + String.join(", ", CellSpace.KNOWN_OPS));
      boolean progressive = Boolean.TRUE.equals(s.progressive());
      if (progressive && Boolean.FALSE.equals(s.sharedCell())) {
        throw Params.bad(c, "shared_cell", "true or absent with 'progressive: true' (PNAS's progressive cells are shared"
            + " by the normal and reduction cells)", false);
      }
      return new CellSpace(
          Params.atLeast(c, "blocks", s.blocks(), CellSpace.DEFAULT_BLOCKS, 1),
          ops,
          Params.atLeast(c, "cells_per_stack", s.cellsPerStack(), CellSpace.DEFAULT_CELLS_PER_STACK, 1),
          Params.atLeast(c, "filters", s.filters(), CellSpace.DEFAULT_FILTERS, 1),
          Params.atLeast(c, "stacks", s.stacks(), CellSpace.DEFAULT_STACKS, 1),
          progressive || Boolean.TRUE.equals(s.sharedCell()),
          progressive);
    }
  }

  /** {@code resnet50-scope}: {@code scope}, {@code width}, {@code blocks}. */
  public static final class ResNetScope extends Builtin {
    record Settings(String scope, Double width, List<Integer> blocks) {}

    public ResNetScope() {
      super(ResNetScopeSpace.NAME, "ResNet-50 whose bottlenecks in the search scope choose kernel 3/5 and ReLU,"
          + " LeakyReLU or Mish (seed 002): scope (s, m, l, f; default " + ResNetScopeSpace.DEFAULT_SCOPE.letter()
          + "), width (default " + ResNetScopeSpace.DEFAULT_WIDTH + "), blocks (default [3, 4, 6, 3])");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      String c = component();
      Settings s = Params.bind(c, params, Settings.class);
      ResNetScopeSpace.Scope scope =
          s.scope() == null ? ResNetScopeSpace.DEFAULT_SCOPE : ResNetScopeSpace.Scope.ofLetter(s.scope());
      if (scope == null) {
        throw Params.bad(c, "scope", "one of s, m, l, f (the deepest 1, 2, 3 or 4 stages)", "'" + s.scope() + "'");
      }
      double width = s.width() == null ? ResNetScopeSpace.DEFAULT_WIDTH : s.width();
      if (!(width > 0 && width <= 4)) {
        throw Params.bad(c, "width", "a number in (0, 4], the channel multiplier", s.width());
      }
      List<Integer> blocks = s.blocks() == null ? ResNetScopeSpace.RESNET50_BLOCKS : s.blocks();
      if (blocks.size() != ResNetScopeSpace.STAGES || blocks.stream().anyMatch(b -> b == null || b < 1)) {
        throw Params.bad(c, "blocks", "four positive integers, the bottleneck blocks per stage", blocks);
      }
      return new ResNetScopeSpace(scope, width, blocks);
    }
  }

  /** {@code table}: {@code positions}, the option characters of each key position. */
  public static final class Table extends Builtin {
    record Settings(List<String> positions) {}

    public Table() {
      super(TableSpace.NAME, "a benchmark table keyed by fixed-length strings: positions, e.g. [\"012\", \"0123\"]");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      Settings s = Params.bind(component(), params, Settings.class);
      if (s.positions() == null) {
        throw new BadInputException(
            component() + " needs parameter 'positions': a list of option-character strings, one per key"
                + " position (e.g. [\"012\", \"0123\"])");
      }
      return new TableSpace(s.positions());
    }
  }

  /** {@code declarative}: {@code decisions}, see {@link DeclarativeSpace}. */
  public static final class Declarative extends Builtin {
    public Declarative() {
      super(DeclarativeSpace.NAME, "named decisions listed in the config, each a list of options, optionally active"
          + " only 'when' others take given values");
    }

    @Override
    public SearchSpace create(JsonNode params) {
      return DeclarativeSpace.fromParams(params);
    }
  }

  /** A non-empty list of distinct values, each passing {@code ok}, or {@code fallback} when absent. */
  private static <T> List<T> distinct(
      String component, String name, List<T> value, List<T> fallback, Predicate<T> ok, String what) {
    if (value == null) {
      return fallback;
    }
    if (value.isEmpty() || value.contains(null) || new HashSet<>(value).size() != value.size()
        || !value.stream().allMatch(ok)) {
      throw Params.bad(component, name, "a non-empty list of distinct " + what, value);
    }
    return List.copyOf(value);
  }
}
