package dev.jnas.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * DJL's Adam, with its moment arrays owned by a given manager instead of left detached, and
 * readable and restorable for snapshots and checkpoints. DJL keeps the moments in private maps
 * that it passes to {@link #withDefaultState}; they are told apart by the order Adam first asks
 * for them (slot k), which is the same in the process that saves and the one that restores.
 */
public final class SavableAdam extends Adam {
  private final NDManager owner;
  /** Adam's state maps (parameter id -> device -> array), in the order it first used them. */
  private final List<Map<String, Map<Device, NDArray>>> slots = new ArrayList<>();
  /** Restored moments (parameter id -> one array per slot), used when Adam first asks for them. */
  private final Map<String, List<float[]>> restored;

  /**
   * Adam with betas (0.9, 0.999) and no weight decay.
   *
   * @param steps Adam steps already taken (its next step is {@code steps + 1})
   * @param restored moments per parameter id, one array per slot; empty before the first step
   */
  public SavableAdam(float learningRate, int steps, Map<String, List<float[]>> restored, NDManager owner) {
    this(learningRate, 0.9f, 0.999f, 0f, steps, restored, owner);
  }

  /** Adam with the given betas and (L2, added to the gradient) weight decay. */
  public SavableAdam(
      float learningRate, float beta1, float beta2, float weightDecay, int steps, Map<String, List<float[]>> restored,
      NDManager owner) {
    super(
        Optimizer.adam()
            .optLearningRateTracker(Tracker.fixed(learningRate))
            .optBeta1(beta1)
            .optBeta2(beta2)
            .optWeightDecays(weightDecay)
            .optBeginNumUpdate(steps));
    this.restored = new HashMap<>(restored);
    this.owner = owner;
  }

  @Override
  protected NDArray withDefaultState(
      Map<String, Map<Device, NDArray>> state, String key, Device device, Function<String, NDArray> defaultFunction) {
    int slot = 0;
    while (slot < slots.size() && slots.get(slot) != state) { // identity: Map.equals compares contents
      slot++;
    }
    if (slot == slots.size()) {
      slots.add(state);
    }
    List<float[]> saved = restored.getOrDefault(key, List.of());
    Function<String, NDArray> initial = defaultFunction;
    if (slot < saved.size()) {
      float[] values = saved.get(slot);
      initial = k -> {
        try (NDArray zeros = defaultFunction.apply(k)) {
          return zeros.getManager().create(values, zeros.getShape());
        }
      };
    }
    NDArray s = super.withDefaultState(state, key, device, initial);
    if (s.getManager() != owner) {
      s.attach(owner);
    }
    return s;
  }

  /** The moments of parameter {@code id} by slot; empty before its first step. */
  public List<float[]> moments(String id) {
    List<float[]> out = new ArrayList<>();
    for (Map<String, Map<Device, NDArray>> state : slots) {
      Map<Device, NDArray> arrays = state.get(id);
      if (arrays != null) {
        out.add(arrays.values().iterator().next().toFloatArray());
      }
    }
    // Restored but not yet used by a step: still part of the state.
    return out.isEmpty() ? restored.getOrDefault(id, List.of()) : out;
  }
}
