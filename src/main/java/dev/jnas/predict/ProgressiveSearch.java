package dev.jnas.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.StrategyParams;
import dev.jnas.strategy.StrategyProvider;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progressive neural architecture search (PNAS, Liu et al. ECCV 2018) on a progressive {@link
 * CellSpace}: level 1 asks every distinct 1-block cell (a block and its mirror image, (in1, op1,
 * in2, op2) and (in2, op2, in1, op1), are one cell: the one whose first (input, op) pair is the
 * smaller is asked), in an order shuffled by the seed. Once every result of level b is told, a
 * surrogate predictor ({@code predictor: mlp}, PNAS's ensemble of 5 MLPs, {@link MlpEnsemble},
 * refitted from scratch; or {@code lstm}, {@link LstmPredictor}, whose later fits continue from
 * its weights, PNAS's fine-tuning) is fitted on all results so far; the K best cells of level b
 * are grown by every possible next block (mirror images again removed), the predictor scores all
 * of them, and the K with the highest mean prediction over the ensemble form level b+1; until
 * cells have B blocks. The search
 * then ends ({@link #isExhausted()}): PNAS trains |level 1| + (B-1)·K cells, and a budget beyond
 * that is left unused (a larger K spends it the way PNAS would).
 *
 * <p>Failed trials take no part in fitting or ranking; when every cell of a level failed, its
 * cells are grown in their order, so the search still reaches B blocks. When nothing has
 * succeeded yet, expansions are ranked in an order drawn from the seed.
 *
 * <p>Per level it records PNAS's Table 1 (Spearman rank correlations): {@code rho_fit}, of the
 * predictor fitted after the level on the trained cells of levels 1..b, and {@code
 * rho_predicted}, of the predictions that chose the level's cells (made before they were trained)
 * against their rewards. Both are in the snapshot (so {@code jnas show} prints them) and logged
 * once per level.
 *
 * <p>Snapshots hold the levels' cells, predictions and rewards, not the predictor's weights: a
 * restored search refits the predictor level by level from the stored results with the same seeds
 * when it next needs it. Across processes libtorch's sums may differ in the last bits, so {@link
 * #replayAsk} adopts the stored asks of a resumed run.
 */
public final class ProgressiveSearch implements Strategy, AutoCloseable {
  public static final String NAME = "pnas";
  public static final int DEFAULT_K = 32;
  public static final List<String> PREDICTORS = List.of("mlp", "lstm");
  /** PNAS's own choice for its main results: the MLP ensemble. */
  public static final String DEFAULT_PREDICTOR = "mlp";
  private static final String COMPONENT = "strategy " + NAME;
  private static final Logger LOG = LoggerFactory.getLogger(ProgressiveSearch.class);

  /** The parameters a config may give (null = absent: the default, which depends on the predictor). */
  record Given(
      Integer k, String predictor, Integer members, Integer epochs, Integer hidden, Integer layers, Double learningRate) {}

  /** One cell of a level: its prediction when it was chosen (NaN at level 1) and its reward once told. */
  private static final class Cell {
    final Architecture arch;
    final String key;
    final double predicted;
    boolean told;
    /** NaN while not told and when the trial failed. */
    double reward = Double.NaN;

    Cell(Architecture arch, String key, double predicted) {
      this.arch = arch;
      this.key = key;
      this.predicted = predicted;
    }
  }

  /** The cells of one level in the order they are asked, and its Spearman correlations once known. */
  private static final class Level {
    final List<Cell> cells;
    double rhoFit = Double.NaN;
    double rhoPredicted = Double.NaN;

    Level(List<Cell> cells) {
      this.cells = cells;
    }
  }

  private final CellSpace space;
  private final ObjectNode params;
  private final int k;
  /** Makes the predictor (an LSTM or an MLP ensemble with the parameters' settings). */
  private final java.util.function.Supplier<Predictor> newPredictor;
  private final Rng rng;
  /** Seeds the predictor's fits (fit after level b: derive(predictorSeed, b)); restored from snapshots. */
  private long predictorSeed;
  private final List<Level> levels = new ArrayList<>();
  /** Cells of the current level asked so far. */
  private int next;
  private Predictor predictor;
  /** Fits the predictor in this process has had: a restored search refits the stored levels lazily. */
  private int fitted;

  public ProgressiveSearch(SearchSpace space, JsonNode params, long seed) {
    StrategyParams<Given> p = StrategyParams.bind(NAME, params, Given.class);
    Given g = p.values();
    this.k = p.integer("k", g.k(), DEFAULT_K, 1, 1_000_000);
    boolean mlp = p.choice("predictor", g.predictor(), DEFAULT_PREDICTOR, PREDICTORS).equals("mlp");
    MlpEnsemble.Settings m = MlpEnsemble.Settings.defaults();
    int members = p.integer("members", g.members(), mlp ? m.members() : LstmPredictor.DEFAULT_MEMBERS, 1, 1000);
    int epochs = p.integer("epochs", g.epochs(), mlp ? m.steps() : LstmPredictor.DEFAULT_EPOCHS, 1, 1_000_000);
    int hidden = p.integer("hidden", g.hidden(), mlp ? m.hidden() : LstmPredictor.DEFAULT_HIDDEN, 1, 100_000);
    int layers = p.integer("layers", g.layers(), mlp ? m.layers() : LstmPredictor.DEFAULT_LAYERS, 1, 100);
    double rate =
        p.number("learning_rate", g.learningRate(), mlp ? m.learningRate() : LstmPredictor.DEFAULT_LEARNING_RATE, 1e-9, 10);
    this.params = p.resolved();
    if (!(space instanceof CellSpace c) || !c.progressive()) {
      throw new BadInputException(
          COMPONENT + " grows cells block by block: it needs space 'cell' with params {progressive: true} (and blocks:"
              + " B, the largest cell), not space '" + space.name() + "'"
              + (space instanceof CellSpace ? " without progressive" : ""));
    }
    this.space = c;
    Predictor.TokenSpec spec = new Predictor.TokenSpec(c.blocks() + 2 + c.ops().size(), 4);
    this.newPredictor =
        mlp
            ? () -> new MlpEnsemble(spec, new MlpEnsemble.Settings(members, hidden, layers, epochs, rate))
            : () -> new LstmPredictor(spec, new LstmPredictor.Settings(hidden, layers, members, epochs, rate));
    this.rng = Rng.of(seed);
    this.predictorSeed = Rng.derive(seed, 1);
    levels.add(new Level(firstLevel()));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Every distinct 1-block cell, mirror images removed, shuffled by the seed. */
  private List<Cell> firstLevel() {
    List<Cell> out = new ArrayList<>();
    for (int in1 = 0; in1 < 2; in1++) {
      for (String op1 : space.ops()) {
        for (int in2 = 0; in2 < 2; in2++) {
          for (String op2 : space.ops()) {
            CellSpace.Block b = new CellSpace.Block(in1, op1, in2, op2);
            if (ordered(b)) {
              Architecture a = space.ofCell(List.of(b));
              out.add(new Cell(a, space.encode(a), Double.NaN));
            }
          }
        }
      }
    }
    for (int i = out.size() - 1; i > 0; i--) { // Fisher-Yates with the strategy's own generator
      Collections.swap(out, i, rng.nextInt(i + 1));
    }
    return out;
  }

  /** Whether a block is the representative of its mirror pair: (in1, op1) <= (in2, op2). */
  private boolean ordered(CellSpace.Block b) {
    if (b.input1() != b.input2()) {
      return b.input1() < b.input2();
    }
    return space.ops().indexOf(b.op1()) <= space.ops().indexOf(b.op2());
  }

  private Level current() {
    return levels.get(levels.size() - 1);
  }

  @Override
  public List<Architecture> ask(int n) {
    List<Architecture> out = new ArrayList<>();
    List<Cell> cells = current().cells;
    while (out.size() < n && next < cells.size()) {
      out.add(cells.get(next++).arch);
    }
    return out;
  }

  /**
   * Adopts the stored asks of a resumed run as this level's next cells (predictions made in
   * another process may differ in their last bits and order close candidates otherwise); the
   * level's other planned cells keep their order.
   */
  @Override
  public List<Architecture> replayAsk(List<Architecture> stored) {
    List<Cell> cells = current().cells;
    int size = cells.size();
    Map<String, Cell> planned = new HashMap<>();
    for (int i = next; i < cells.size(); i++) {
      planned.put(cells.get(i).key, cells.get(i));
    }
    List<Cell> adopted = new ArrayList<>();
    for (Architecture a : stored) {
      if (space.blocks(a) != levels.size() || !space.isValid(a)) {
        return ask(stored.size()); // not a cell of this level: the ledger reports the difference
      }
      String key = space.encode(a);
      Cell c = planned.remove(key);
      adopted.add(c != null ? c : new Cell(a, key, predictionOf(a)));
    }
    List<Cell> rest = new ArrayList<>();
    for (int i = next; i < cells.size(); i++) {
      if (planned.containsKey(cells.get(i).key)) {
        rest.add(cells.get(i));
      }
    }
    cells.subList(next, cells.size()).clear();
    cells.addAll(adopted);
    cells.addAll(rest.subList(0, Math.max(0, Math.min(rest.size(), size - cells.size()))));
    return ask(stored.size());
  }

  /** The mean prediction for a cell asked in another process but not planned here (NaN at level 1). */
  private double predictionOf(Architecture a) {
    if (levels.size() == 1 || predictor == null) {
      return Double.NaN;
    }
    return mean(predictor.predict(List.of(sequence(a))))[0];
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    String key = space.encode(arch);
    Level level = current();
    for (int i = 0; i < next; i++) {
      Cell c = level.cells.get(i);
      if (c.key.equals(key) && !c.told) {
        c.told = true;
        c.reward = reward.isPresent() && Double.isFinite(reward.getAsDouble()) ? reward.getAsDouble() : Double.NaN;
        if (next == level.cells.size() && level.cells.stream().allMatch(x -> x.told)) {
          finishLevel();
        }
        return;
      }
    }
  }

  @Override
  public boolean isExhausted() {
    Level level = current();
    return levels.size() == space.blocks() && next == level.cells.size() && level.cells.stream().allMatch(c -> c.told);
  }

  /** Scores the finished level, fits the predictor on all results and plans the next level. */
  private void finishLevel() {
    Level level = current();
    int b = levels.size();
    level.rhoPredicted = spearman(level.cells, c -> c.predicted);
    List<Cell> trained = trainedCells();
    if (!trained.isEmpty()) {
      fitThrough(b);
      double[] fit = mean(predictor.predict(trained.stream().map(c -> sequence(c.arch)).toList()));
      level.rhoFit = spearman(trained.stream().mapToDouble(c -> c.reward).toArray(), fit);
    }
    LOG.info(
        "pnas level {}: {} cells, {} trained, best {}; Spearman of the predictor on levels <= {} after fitting {},"
            + " on this level's cells before training them {}",
        b, level.cells.size(), level.cells.stream().filter(c -> !Double.isNaN(c.reward)).count(),
        fmt(best(level)), b, fmt(level.rhoFit), fmt(level.rhoPredicted));
    if (b < space.blocks()) {
      levels.add(new Level(nextLevel(level, !trained.isEmpty())));
      next = 0;
    }
  }

  /** Every told, successful cell of every level, in level order. */
  private List<Cell> trainedCells() {
    List<Cell> out = new ArrayList<>();
    for (Level l : levels) {
      for (Cell c : l.cells) {
        if (c.told && !Double.isNaN(c.reward)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /**
   * Fits the predictor after level {@code b}: in a restored search first the fits of the earlier
   * levels, each on the results it had, so the weights are those the original run had.
   */
  private void fitThrough(int b) {
    if (predictor == null) {
      predictor = newPredictor.get();
    }
    for (int level = fitted + 1; level <= b; level++) {
      List<Cell> data = new ArrayList<>();
      for (int l = 0; l < level; l++) {
        for (Cell c : levels.get(l).cells) {
          if (c.told && !Double.isNaN(c.reward)) {
            data.add(c);
          }
        }
      }
      if (!data.isEmpty()) {
        predictor.fit(
            data.stream().map(c -> sequence(c.arch)).toList(),
            data.stream().mapToDouble(c -> c.reward).toArray(),
            Rng.derive(predictorSeed, level));
      }
    }
    fitted = b;
  }

  /** The K best cells of {@code level} grown by every next block, the K best by the predictor (or the seed). */
  private List<Cell> nextLevel(Level level, boolean ranked) {
    List<Cell> parents = new ArrayList<>(level.cells.stream().filter(c -> !Double.isNaN(c.reward)).toList());
    parents.sort(Comparator.comparingDouble((Cell c) -> c.reward).reversed()); // stable: ties keep the ask order
    if (parents.isEmpty()) {
      parents.addAll(level.cells); // every cell failed: grow them all the same
    }
    Set<Architecture> candidates = new LinkedHashSet<>();
    for (Cell p : parents.subList(0, Math.min(k, parents.size()))) {
      int n = space.blocks(p.arch);
      for (Architecture a : space.grown(p.arch)) {
        if (ordered(space.normalCell(a).get(n))) {
          candidates.add(a);
        }
      }
    }
    List<Architecture> all = new ArrayList<>(candidates);
    double[] score;
    if (ranked) {
      score = mean(predictor.predict(all.stream().map(this::sequence).toList()));
    } else {
      score = new double[all.size()];
      Arrays.fill(score, Double.NaN);
    }
    Integer[] order = new Integer[all.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (ranked) {
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
    } else {
      List<Integer> shuffled = Arrays.asList(order);
      for (int i = shuffled.size() - 1; i > 0; i--) {
        Collections.swap(shuffled, i, rng.nextInt(i + 1));
      }
    }
    List<Cell> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      Architecture a = all.get(order[i]);
      out.add(new Cell(a, space.encode(a), score[order[i]]));
    }
    return out;
  }

  /** A cell as predictor tokens: per block in1, in2, op1, op2; ops after the inputs' ids. */
  int[] sequence(Architecture a) {
    List<CellSpace.Block> cell = space.normalCell(a);
    int[] s = new int[cell.size() * 4];
    int opBase = space.blocks() + 2;
    for (int b = 0; b < cell.size(); b++) {
      CellSpace.Block k = cell.get(b);
      s[4 * b] = k.input1();
      s[4 * b + 1] = k.input2();
      s[4 * b + 2] = opBase + space.ops().indexOf(k.op1());
      s[4 * b + 3] = opBase + space.ops().indexOf(k.op2());
    }
    return s;
  }

  private static double[] mean(double[][] byMember) {
    double[] out = new double[byMember[0].length];
    for (double[] m : byMember) {
      for (int i = 0; i < out.length; i++) {
        out[i] += m[i] / byMember.length;
      }
    }
    return out;
  }

  /** Spearman's rho of the cells' rewards against {@code value}, over cells with both; NaN when undefined. */
  private static double spearman(List<Cell> cells, java.util.function.ToDoubleFunction<Cell> value) {
    List<Cell> both = cells.stream().filter(c -> !Double.isNaN(c.reward) && !Double.isNaN(value.applyAsDouble(c))).toList();
    return spearman(both.stream().mapToDouble(c -> c.reward).toArray(), both.stream().mapToDouble(value).toArray());
  }

  static double spearman(double[] x, double[] y) {
    if (x.length < 2) {
      return Double.NaN;
    }
    return new SpearmansCorrelation().correlation(x, y); // NaN when either is constant
  }

  private static double best(Level level) {
    return level.cells.stream().mapToDouble(c -> c.reward).filter(r -> !Double.isNaN(r)).max().orElse(Double.NaN);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  @Override
  public ObjectNode snapshot() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("strategy", NAME);
    s.set("params", params.deepCopy());
    s.put("blocks", space.blocks());
    s.put("next", next);
    ArrayNode ls = s.putArray("levels");
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      ObjectNode o = ls.addObject();
      o.put("level", i + 1);
      o.put("cells", l.cells.size());
      o.put("trained", l.cells.stream().filter(c -> !Double.isNaN(c.reward)).count());
      number(o, "best", best(l));
      number(o, "rho_fit", l.rhoFit);
      number(o, "rho_predicted", l.rhoPredicted);
      ArrayNode cs = o.putArray("trials");
      for (Cell c : l.cells) {
        ObjectNode co = cs.addObject().put("arch", c.key);
        number(co, "predicted", c.predicted);
        if (c.told) {
          number(co, "reward", c.reward);
        }
      }
    }
    s.put("predictor_seed", predictorSeed);
    s.put("rng", rng.saveState());
    return s;
  }

  private static void number(ObjectNode o, String name, double v) {
    if (Double.isNaN(v)) {
      o.putNull(name);
    } else {
      o.put(name, v);
    }
  }

  @Override
  public void restore(ObjectNode snapshot) {
    StrategyParams.checkSnapshot(NAME, params, snapshot);
    List<Level> restored = new ArrayList<>();
    for (JsonNode l : field(snapshot, "levels")) {
      List<Cell> cells = new ArrayList<>();
      for (JsonNode c : field(l, "trials")) {
        Architecture a = space.decode(field(c, "arch").asText());
        Cell cell = new Cell(a, space.encode(a), c.path("predicted").isNumber() ? c.get("predicted").doubleValue() : Double.NaN);
        if (c.has("reward")) {
          cell.told = true;
          cell.reward = c.get("reward").isNumber() ? c.get("reward").doubleValue() : Double.NaN;
        }
        cells.add(cell);
      }
      Level level = new Level(cells);
      level.rhoFit = l.path("rho_fit").isNumber() ? l.get("rho_fit").doubleValue() : Double.NaN;
      level.rhoPredicted = l.path("rho_predicted").isNumber() ? l.get("rho_predicted").doubleValue() : Double.NaN;
      restored.add(level);
    }
    int n = field(snapshot, "next").asInt();
    if (restored.isEmpty() || restored.size() > space.blocks() || n < 0 || n > restored.get(restored.size() - 1).cells.size()) {
      throw new BadInputException(COMPONENT + ": snapshot has " + restored.size() + " levels and next " + n
          + "; expected 1 to " + space.blocks() + " levels and next within the last one");
    }
    long seed = field(snapshot, "predictor_seed").asLong();
    levels.clear();
    levels.addAll(restored);
    next = n;
    predictorSeed = seed;
    rng.restoreState(field(snapshot, "rng").asText());
    closePredictor();
  }

  private static JsonNode field(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new BadInputException(COMPONENT + ": snapshot lacks field '" + name + "'");
    }
    return v;
  }

  /** Drops the predictor: the next level refits it from the results (see {@link #fitThrough}). */
  private void closePredictor() {
    if (predictor != null) {
      predictor.close();
      predictor = null;
    }
    fitted = 0;
  }

  @Override
  public void close() {
    closePredictor();
  }

  /** Registers {@code pnas}. */
  public static final class Provider implements StrategyProvider {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "progressive search with a learned predictor (PNAS, Liu et al. 2018) on space cell with progressive: true:"
          + " k (default " + DEFAULT_K + "), predictor (" + String.join(", ", PREDICTORS) + "; default "
          + DEFAULT_PREDICTOR + "), members, epochs, hidden, layers, learning_rate";
    }

    @Override
    public boolean usesEngine() {
      return true;
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new ProgressiveSearch(space, params, seed);
    }
  }
}
