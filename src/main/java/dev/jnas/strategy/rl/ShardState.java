package dev.jnas.strategy.rl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jnas.train.SavableAdam;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One parameter-server shard: a contiguous slice of the controller's flat parameter vector, its
 * Adam moments and step count, and its version (applied updates). An immutable value: {@link
 * #apply} and {@link #push} return a new state, so a cluster can run them inside an atomic
 * per-entry update (e.g. an Ignite entry processor) and a local server under a lock. The arrays
 * are not copied in or out: callers must not change them.
 *
 * @param values the shard's parameters
 * @param m Adam's first moment, same length
 * @param v Adam's second moment, same length
 * @param steps Adam steps taken on this shard (its bias correction's t)
 * @param version updates applied to this shard
 */
public record ShardState(float[] values, float[] m, float[] v, int steps, long version) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Adam's id for the shard's one array inside {@link #apply}'s optimizer. */
  private static final String ID = "shard";

  public ShardState {
    if (values == null || m == null || v == null || m.length != values.length || v.length != values.length) {
      throw new IllegalArgumentException("a shard needs values and Adam moments of equal length");
    }
    if (steps < 0 || version < 0) {
      throw new IllegalArgumentException("a shard's steps and version must be >= 0, got " + steps + ", " + version);
    }
  }

  /** A shard at version 0 holding {@code values}, before any Adam step. */
  public static ShardState initial(float[] values) {
    return new ShardState(values.clone(), new float[values.length], new float[values.length], 0, 0);
  }

  public int size() {
    return values.length;
  }

  /**
   * One Adam step on the shard with {@code gradient} (of the loss to minimise), version + 1. The
   * arithmetic is DJL's Adam on libtorch ({@link SavableAdam}, the controller's own optimizer),
   * run on arrays made from the shard in a manager closed before returning. Pure: {@code s} is
   * not changed.
   */
  public static ShardState apply(ShardState s, float[] gradient, AdamSettings adam) {
    if (gradient.length != s.size()) {
      throw new IllegalArgumentException(
          "gradient of " + gradient.length + " values for a shard of " + s.size());
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray weight = manager.create(s.values);
      NDArray grad = manager.create(gradient);
      // Adam asks for the first moment, then the second: SavableAdam's slots 0 and 1.
      SavableAdam optimizer =
          new SavableAdam(adam.learningRate(), adam.beta1(), adam.beta2(), 0f, s.steps,
              s.steps == 0 ? Map.of() : Map.of(ID, List.of(s.m, s.v)), manager);
      optimizer.update(ID, weight, grad);
      List<float[]> moments = optimizer.moments(ID);
      return new ShardState(weight.toFloatArray(), moments.get(0), moments.get(1), s.steps + 1, s.version + 1);
    }
  }

  /**
   * A replica's push to this shard, decided and applied as one step: the staleness is the
   * shard's version now minus {@code pulledVersion}; the gradient is applied when that is at most
   * {@code maxStaleness}, else dropped (the state is returned unchanged).
   */
  public static Outcome push(ShardState s, float[] gradient, long pulledVersion, int maxStaleness, AdamSettings adam) {
    long staleness = s.version - pulledVersion;
    if (staleness < 0) {
      throw new IllegalArgumentException(
          "pushed a gradient from version " + pulledVersion + " of a shard at version " + s.version);
    }
    if (staleness > maxStaleness) {
      return new Outcome(s, staleness, false);
    }
    return new Outcome(apply(s, gradient, adam), staleness, true);
  }

  /** What {@link #push} did: the shard's new state, the gradient's staleness and whether it was applied. */
  public record Outcome(ShardState state, long staleness, boolean applied) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardState s
        && steps == s.steps
        && version == s.version
        && Arrays.equals(values, s.values)
        && Arrays.equals(m, s.m)
        && Arrays.equals(v, s.v);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(values) + steps) + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return "ShardState[size=" + values.length + ", steps=" + steps + ", version=" + version + "]";
  }
}
