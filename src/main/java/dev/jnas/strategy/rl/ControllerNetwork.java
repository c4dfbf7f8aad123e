package dev.jnas.strategy.rl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBaseBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.strategy.rl.DecisionPlan.Kind;
import dev.jnas.strategy.rl.DecisionPlan.Step;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.train.FlatAdam;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The NAS-RL controller: a stacked LSTM that emits one decision per step. Categorical decisions
 * come from a softmax over a Linear head; Connection and InputChoice decisions from anchor-point
 * attention {@code v^T tanh(W_prev h_j + W_curr h_i)}. The embedding of each choice is the next
 * step's input. A whole batch of architectures is one LSTM batch, so sampling costs one LSTM call
 * per decision, not per architecture.
 *
 * <p>Every weight starts from the given seed, sampling draws from a Java {@link Rng}, and each
 * update's temporaries live in a sub-manager closed at its end; parameters and Adam's moments live
 * in this network's manager until {@link #close()}.
 *
 * <p>Updates use DJL's {@link GradientCollector}; the PyTorch engine allows one collecting at a
 * time per process, so an update must not overlap a child network's training in another thread.
 * Cost is dominated by fixed per-call overheads (about 170 us per LSTM call on CPU), so a batch of
 * m architectures costs about as much as one: on NAS-Bench-201 (6 decisions) sampling plus one
 * update of 10 architectures take about 4-5 ms, above 2,000 architectures/s.
 */
final class ControllerNetwork implements AutoCloseable {
  /** Logit offset that removes other decisions' units from a softmax (exp underflows to 0). */
  private static final float MASKED = -1e9f;
  private final DecisionPlan plan;
  private final int hidden;
  private final int layers;
  private final NDManager manager;
  private final ParameterStore store;
  private final LSTM lstm;
  /** Every HEAD decision's softmax classifier, as a block of this Linear's output units; null when none. */
  private final Linear heads;
  /** [steps, headUnits]: 0 on each HEAD step's own block, -1e9 elsewhere (masks the other heads). */
  private final NDArray headMask;
  /** [steps, 1]: 1 on HEAD steps (counts their entropy), 0 elsewhere. */
  private final NDArray headSteps;
  private final Linear attendPrev;
  private final Linear attendCurr;
  private final Linear attendScore;
  /** Row 0: start token; then one row per choice of every decision. */
  private final Parameter embeddings;
  /** Stand-ins for the anchor hidden states of nodes no earlier step anchors; null when none. */
  private final Parameter learnedAnchors;
  /** Every trained parameter under a name that is stable across processes (DJL's ids are random). */
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private FlatAdam optimizer;
  private final float learningRate;
  /** While a restored network is being built: the saved parameters; else null. */
  private JsonNode saved;
  /** Adam steps taken: the bias correction's t. */
  private int adamSteps;

  /** A network with fresh weights drawn from {@code initSeed}. */
  ControllerNetwork(DecisionPlan plan, ReinforceConfig config, long initSeed) {
    this(plan, config, initSeed, null);
  }

  /**
   * @param saved the {@code parameters} of a {@link #snapshot()} to take the weights from, or null
   *     for fresh ones
   */
  private ControllerNetwork(DecisionPlan plan, ReinforceConfig config, long initSeed, JsonNode saved) {
    this.plan = plan;
    this.hidden = config.hidden();
    this.layers = config.layers();
    this.learningRate = (float) config.learningRate();
    this.saved = saved;
    // Tiny tensors and a Java-side sampler: the CPU is faster than a GPU round trip per step.
    this.manager = NDManager.newBaseManager(Device.cpu());
    try {
      this.store = new ParameterStore(manager, false);
      Initializer uniform = seededUniform(Rng.of(initSeed), (float) config.initRange());
      DataType f32 = DataType.FLOAT32;

      lstm =
          LSTM.builder()
              .setNumLayers(layers)
              .setStateSize(hidden)
              .optBatchFirst(true)
              .optReturnState(true)
              .build();
      init("lstm", lstm, uniform, new Shape(1, 1, hidden));
      int length = plan.steps().size();
      int units = plan.headUnits();
      if (units > 0) {
        heads = Linear.builder().setUnits(units).build();
        init("heads", heads, uniform, new Shape(1, hidden));
        float[] mask = new float[length * units];
        float[] isHead = new float[length];
        Arrays.fill(mask, MASKED);
        for (int t = 0; t < length; t++) {
          Step step = plan.steps().get(t);
          if (step.kind() == Kind.HEAD) {
            Arrays.fill(mask, t * units + step.headOffset(), t * units + step.headOffset() + step.cardinality(), 0f);
            isHead[t] = 1f;
          }
        }
        headMask = manager.create(mask, new Shape(length, units));
        headSteps = manager.create(isHead, new Shape(length, 1));
      } else {
        heads = null;
        headMask = null;
        headSteps = null;
      }
      if (plan.usesAttention()) {
        attendPrev = Linear.builder().setUnits(hidden).optBias(false).build();
        attendCurr = Linear.builder().setUnits(hidden).optBias(false).build();
        attendScore = Linear.builder().setUnits(1).optBias(false).build();
        init("attend_prev", attendPrev, uniform, new Shape(1, hidden));
        init("attend_curr", attendCurr, uniform, new Shape(1, hidden));
        init("attend_score", attendScore, uniform, new Shape(1, hidden));
      } else {
        attendPrev = null;
        attendCurr = null;
        attendScore = null;
      }
      embeddings = standalone("embeddings", new Shape(plan.embeddingRows(), hidden), uniform, f32);
      learnedAnchors =
          plan.learnedRows() == 0
              ? null
              : standalone("learned_anchors", new Shape(plan.learnedRows(), hidden), uniform, f32);
      optimizer = FlatAdam.forParameters(
          new ArrayList<>(parameters.values()), parameters.values().stream().map(Parameter::getId).toList(),
          FlatAdam.Settings.of(learningRate), manager);
      this.saved = null;
    } catch (RuntimeException e) {
      manager.close(); // e.g. a saved array of the wrong size
      throw e;
    }
  }

  /**
   * A network with the weights and Adam state of {@link #snapshot()}'s form.
   *
   * @throws BadInputException naming a missing, unknown or wrongly sized array
   */
  static ControllerNetwork restored(DecisionPlan plan, ReinforceConfig config, JsonNode snapshot) {
    JsonNode steps = snapshot.path("adam_steps");
    JsonNode params = snapshot.path("parameters");
    if (!steps.canConvertToInt() || steps.intValue() < 0 || !params.isObject()) {
      throw new BadInputException("reinforce snapshot: 'network' needs 'adam_steps' (an integer >= 0) and 'parameters'");
    }
    ControllerNetwork n = new ControllerNetwork(plan, config, 0, params);
    try {
      n.restoreAdam(steps.intValue(), params);
      return n;
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
  }

  /** Uniform(-range, range) from the controller's own generator, not DJL's global one. */
  private static Initializer seededUniform(RandomGenerator rng, float range) {
    return (NDManager m, Shape shape, DataType type) -> {
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((rng.nextDouble() * 2 - 1) * range);
      }
      return m.create(values, shape).toType(type, false);
    };
  }

  private void init(String name, AbstractBaseBlock block, Initializer fresh, Shape inputShape) {
    for (var p : block.getParameters()) {
      Parameter param = p.getValue();
      block.setInitializer(initializer(name + "." + p.getKey(), fresh), q -> q == param);
    }
    block.initialize(manager, DataType.FLOAT32, inputShape);
    block.getParameters().forEach(p -> parameters.put(name + "." + p.getKey(), p.getValue()));
  }

  /** {@code fresh}, or the saved weights of parameter {@code name} when restoring. */
  private Initializer initializer(String name, Initializer fresh) {
    if (saved == null) {
      return fresh;
    }
    return (NDManager m, Shape shape, DataType type) -> {
      float[] w = FloatCodec.decode(saved.path(name).get("weight"), Math.toIntExact(shape.size()), "weight of '" + name + "'");
      return m.create(w, shape).toType(type, false);
    };
  }

  private Parameter standalone(String name, Shape shape, Initializer initializer, DataType type) {
    Parameter p =
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(shape)
            .optInitializer(initializer(name, initializer))
            .build();
    p.initialize(manager, type);
    parameters.put(name, p);
    return p;
  }

  /** Samples {@code m} action sequences from the current policy (no gradient recorded). */
  int[][] sample(int m, RandomGenerator rng) {
    int[][] actions = new int[m][plan.steps().size()];
    List<Step> steps = plan.steps();
    try (NDManager round = manager.newSubManager()) {
      Attention attention = new Attention(round, false);
      NDArray x = rows(round, m, k -> 0).matMul(embeddings.getArray());
      NDArray h = round.zeros(new Shape(layers, m, hidden));
      NDArray c = round.zeros(new Shape(layers, m, hidden));
      for (int t = 0; t < steps.size(); t++) {
        Step step = steps.get(t);
        // One LSTM step for the whole batch: the next input depends on this step's sample.
        NDList out = lstm.forward(store, new NDList(x.reshape(m, 1, hidden), h, c), false);
        NDArray y = out.get(0).reshape(m, hidden);
        h = out.get(1);
        c = out.get(2);
        NDArray logits =
            step.kind() == Kind.HEAD
                ? forward(heads, y, false)
                    .get(new NDIndex(":, {}:{}", step.headOffset(), step.headOffset() + step.cardinality()))
                : attention.logits(step, t, y, false);
        float[] probs = logits.softmax(1).toFloatArray();
        for (int k = 0; k < m; k++) {
          actions[k][t] = draw(probs, k * step.cardinality(), step.cardinality(), rng);
        }
        if (t + 1 < steps.size()) {
          final int tt = t;
          x = rows(round, m, k -> step.embeddingOffset() + actions[k][tt]).matMul(embeddings.getArray());
        }
      }
    }
    return actions;
  }

  /**
   * One REINFORCE step: minimises {@code -(1/used) sum_k advantage_k sum_t log P(a_kt | a_k<t)
   * - entropyWeight * mean_k sum_t H_kt} with Adam, where {@code used} counts the rows whose
   * advantage takes part (rows of failed trials have advantage 0 and are not counted).
   */
  void update(int[][] actions, float[] advantages, int used, float entropyWeight) {
    try (NDManager round = manager.newSubManager()) {
      backward(round, actions, advantages, used, entropyWeight);
      adamSteps++;
      optimizer.step(round);
    }
  }

  /**
   * The gradient of {@link #update}'s loss with respect to the flat parameter vector ({@link
   * #flatWeights()}'s order), without a step: the weights and Adam's state do not change, and the
   * parameters' gradients are cleared again.
   */
  float[] gradient(int[][] actions, float[] advantages, int used, float entropyWeight) {
    float[] out = new float[parameterCount()];
    try (NDManager round = manager.newSubManager()) {
      backward(round, actions, advantages, used, entropyWeight);
      int at = 0;
      for (Parameter p : parameters.values()) {
        NDArray grad = p.getArray().getGradient();
        grad.attach(round);
        float[] g = grad.toFloatArray();
        System.arraycopy(g, 0, out, at, g.length);
        at += g.length;
        grad.subi(grad); // in place, as DJL's own zeroGradients: libtorch adds the next backward to it
      }
    }
    return out;
  }

  /** Number of trained values: the length of {@link #flatWeights()}. */
  int parameterCount() {
    int n = 0;
    for (Parameter p : parameters.values()) {
      n += Math.toIntExact(p.getArray().size());
    }
    return n;
  }

  /** Every trained parameter's values, concatenated in a fixed order (by stable name). */
  float[] flatWeights() {
    float[] out = new float[parameterCount()];
    int at = 0;
    for (Parameter p : parameters.values()) {
      float[] w = p.getArray().toFloatArray();
      System.arraycopy(w, 0, out, at, w.length);
      at += w.length;
    }
    return out;
  }

  /** Sets every trained parameter from a vector of {@link #flatWeights()}'s form (Adam's state is left as is). */
  void loadFlat(float[] flat) {
    if (flat.length != parameterCount()) {
      throw new IllegalArgumentException(
          "controller has " + parameterCount() + " parameters, got a vector of " + flat.length);
    }
    int at = 0;
    for (Parameter p : parameters.values()) {
      NDArray w = p.getArray();
      int n = Math.toIntExact(w.size());
      w.set(Arrays.copyOfRange(flat, at, at + n));
      at += n;
    }
  }

  /** Runs the loss of {@link #update} forward and backward, leaving its gradient on the parameters. */
  private void backward(NDManager round, int[][] actions, float[] advantages, int used, float entropyWeight) {
    int m = actions.length;
    List<Step> steps = plan.steps();
    int length = steps.size();
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      Attention attention = new Attention(round, true);
      // The actions are known, so the whole sequence goes through the LSTM in one call
      // (teacher forcing): step t's input is the embedding of action t-1, step 0's the start token.
      float[] oneHot = new float[m * length * plan.embeddingRows()];
      for (int k = 0; k < m; k++) {
        for (int t = 0; t < length; t++) {
          int row = t == 0 ? 0 : steps.get(t - 1).embeddingOffset() + actions[k][t - 1];
          oneHot[(k * length + t) * plan.embeddingRows() + row] = 1f;
        }
      }
      NDArray x =
          round
              .create(oneHot, new Shape((long) m * length, plan.embeddingRows()))
              .matMul(embeddings.getArray())
              .reshape(m, length, hidden);
      NDArray h = round.zeros(new Shape(layers, m, hidden));
      NDArray c = round.zeros(new Shape(layers, m, hidden));
      NDArray y = lstm.forward(store, new NDList(x, h, c), true).get(0); // [m, length, H]
      NDArray logProb = round.zeros(new Shape(m));
      NDArray entropy = round.zeros(new Shape(m));
      if (heads != null) {
        // All HEAD steps at once: each row's softmax runs over its own decision's block only.
        int units = plan.headUnits();
        NDArray logP =
            forward(heads, y.reshape((long) m * length, hidden), true)
                .reshape(m, length, units)
                .add(headMask)
                .logSoftmax(2);
        float[] chosen = new float[m * length * units];
        for (int k = 0; k < m; k++) {
          for (int t = 0; t < length; t++) {
            Step step = steps.get(t);
            if (step.kind() == Kind.HEAD) {
              chosen[(k * length + t) * units + step.headOffset() + actions[k][t]] = 1f;
            }
          }
        }
        int[] stepAndUnit = {1, 2};
        logProb = logP.mul(round.create(chosen, new Shape(m, length, units))).sum(stepAndUnit);
        if (entropyWeight > 0) {
          entropy = logP.exp().mul(logP).mul(headSteps).sum(stepAndUnit).neg();
        }
      }
      if (plan.usesAttention()) {
        NDList ys = y.split(length, 1);
        for (int t = 0; t < length; t++) {
          Step step = steps.get(t);
          if (step.kind() == Kind.HEAD) {
            continue;
          }
          NDArray logP = attention.logits(step, t, ys.get(t).reshape(m, hidden), true).logSoftmax(1);
          final int tt = t;
          NDArray chosen = rows(round, m, k -> actions[k][tt], step.cardinality());
          logProb = logProb.add(logP.mul(chosen).sum(new int[] {1}));
          if (entropyWeight > 0) {
            entropy = entropy.sub(logP.exp().mul(logP).sum(new int[] {1}));
          }
        }
      }
      // scalars libtorch owns: div(Number) and mul(Number) wrap a Java buffer DJL frees right
      // after the op, which autograd reads again in the backward pass
      NDArray loss = logProb.mul(round.create(advantages)).sum().mul(round.full(new Shape(), -1f / used));
      if (entropyWeight > 0) {
        loss = loss.sub(entropy.mean().mul(round.full(new Shape(), (float) entropyWeight)));
      }
      collector.backward(loss);
    }
  }

  /** Sum of |gradient| left on the parameters (tests check that an update leaves none behind). */
  double leftoverGradient() {
    double sum = 0;
    try (NDManager scratch = manager.newSubManager()) {
      for (Parameter p : parameters.values()) {
        if (p.getArray().hasGradient()) {
          NDArray g = p.getArray().getGradient();
          g.attach(scratch);
          sum += g.abs().sum().getFloat();
        }
      }
    }
    return sum;
  }

  /**
   * Turns the LSTM output of each step into that step's logits, remembering anchor hidden states
   * (projected by W_prev) as it goes. Steps must be visited in order.
   */
  private final class Attention {
    private final NDManager round;
    private final NDArray[] anchorProj = new NDArray[plan.nodeSlots()];
    private final NDArray learnedProj;

    Attention(NDManager round, boolean training) {
      this.round = round;
      this.learnedProj =
          learnedAnchors == null
              ? null
              : forward(attendPrev, round.eye(plan.learnedRows()).matMul(learnedAnchors.getArray()), training);
    }

    /** Logits [m, cardinality] of attention step {@code t} given its LSTM output {@code y} [m, hidden]. */
    NDArray logits(Step step, int t, NDArray y, boolean training) {
      long m = y.getShape().get(0);
      NDArray curr = forward(attendCurr, y, training).expandDims(1); // [m, 1, H]
      NDList prev = new NDList();
      for (int slot : step.sources()) {
        NDArray p =
            plan.anchoredBefore(slot, t)
                ? anchorProj[slot]
                : learnedProj.get(plan.learnedRow(slot)).expandDims(0);
        prev.add(p.broadcast(new Shape(m, hidden)));
      }
      NDArray stacked = NDArrays.stack(prev, 1); // [m, sources, H]
      NDArray scores = forward(attendScore, stacked.add(curr).tanh(), training).reshape(m, -1);
      // A Connection is a 2-way softmax over (0, score): P(1) = sigmoid(score).
      NDArray logits = step.kind() == Kind.CONNECTION ? round.zeros(new Shape(m, 1)).concat(scores, 1) : scores;
      if (step.anchorSlot() >= 0) {
        anchorProj[step.anchorSlot()] = forward(attendPrev, y, training);
      }
      return logits;
    }
  }

  private NDArray forward(Linear block, NDArray input, boolean training) {
    return block.forward(store, new NDList(input), training).singletonOrThrow();
  }

  /** One-hot rows [m, embeddingRows] selecting row {@code index(k)} for architecture k. */
  private NDArray rows(NDManager round, int m, java.util.function.IntUnaryOperator index) {
    return rows(round, m, index, plan.embeddingRows());
  }

  private static NDArray rows(NDManager round, int m, java.util.function.IntUnaryOperator index, int width) {
    float[] oneHot = new float[m * width];
    for (int k = 0; k < m; k++) {
      oneHot[k * width + index.applyAsInt(k)] = 1f;
    }
    return round.create(oneHot, new Shape(m, width));
  }

  private static int draw(float[] probs, int from, int count, RandomGenerator rng) {
    double u = rng.nextDouble();
    double cumulative = 0;
    int last = 0;
    for (int i = 0; i < count; i++) {
      float p = probs[from + i];
      if (p > 0) {
        cumulative += p;
        last = i;
        if (u < cumulative) {
          return i;
        }
      }
    }
    return last; // rounding left u above the total: the last possible choice
  }

  /**
   * The weights and Adam's state (its step count and, per parameter, the moment arrays it keeps),
   * each array as base64 of little-endian float32s: {@code {"adam_steps": t, "parameters": {name:
   * {"weight": ..., "adam": [...]}}}}. About 12 bytes per weight (3 arrays, base64).
   */
  ObjectNode snapshot() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("adam_steps", adamSteps);
    ObjectNode params = o.putObject("parameters");
    parameters.forEach(
        (name, p) -> {
          ObjectNode entry = params.putObject(name);
          entry.put("weight", FloatCodec.encode(p.getArray().toFloatArray()));
          List<float[]> moments = optimizer.moments(p.getId());
          if (!moments.isEmpty()) {
            ArrayNode adam = entry.putArray("adam");
            moments.forEach(m -> adam.add(FloatCodec.encode(m)));
          }
        });
    return o;
  }

  /** Takes Adam's step count and moments from saved {@code parameters}; rejects unknown names. */
  private void restoreAdam(int steps, JsonNode params) {
    for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!parameters.containsKey(name)) {
        throw new BadInputException(
            "reinforce snapshot: unknown controller parameter '" + name + "' (this controller has "
                + String.join(", ", parameters.keySet()) + ")");
      }
    }
    Map<String, List<float[]>> moments = new HashMap<>();
    parameters.forEach(
        (name, p) -> {
          int size = Math.toIntExact(p.getArray().size());
          List<float[]> m = new ArrayList<>();
          for (JsonNode a : params.path(name).path("adam")) {
            m.add(FloatCodec.decode(a, size, "Adam state of '" + name + "'"));
          }
          moments.put(p.getId(), m);
        });
    adamSteps = steps;
    optimizer.restore(steps, moments);
  }

  /** Every persistent array by name (weights, then Adam's moments as {@code name#adam<k>}): for tests. */
  Map<String, float[]> arrays() {
    Map<String, float[]> out = new LinkedHashMap<>();
    parameters.forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
    parameters.forEach(
        (name, p) -> {
          List<float[]> m = optimizer.moments(p.getId());
          for (int k = 0; k < m.size(); k++) {
            out.put(name + "#adam" + k, m.get(k));
          }
        });
    return out;
  }

  /** Arrays currently owned by this network (parameters, gradients, Adam state): for leak checks. */
  int ownedArrays() {
    return manager.getManagedArrays().size();
  }

  @Override
  public void close() {
    manager.close();
  }
}
