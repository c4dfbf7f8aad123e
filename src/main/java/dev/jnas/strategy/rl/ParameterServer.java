package dev.jnas.strategy.rl;

import java.util.List;

/**
 * The NAS-RL controller's shared parameters, as the paper's parameter servers hold them: the
 * controller's flat parameter vector split into {@link #shards()} contiguous shards ({@link
 * #bounds}), each with its own Adam state and version. Controller replicas {@link #pull()} the
 * parameters, compute a gradient on them, and {@link #push} it back; each shard applies its part
 * atomically ({@link ShardState#push}), so a push may land on some shards and be dropped by others.
 *
 * <p>{@link LocalParameterServer} keeps the shards in memory; a cluster-backed one keeps each in a
 * cache entry and runs {@link ShardState#push} where it lives.
 */
public interface ParameterServer extends AutoCloseable {

  /** Makes a server for a controller. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param initial the controller's initial flat parameter vector (not kept: copied)
     * @param shards how many contiguous shards to split it into, 1..initial.length
     * @param adam each shard's optimizer settings
     * @param maxStaleness shard updates staler than this are dropped
     */
    ParameterServer create(float[] initial, int shards, AdamSettings adam, int maxStaleness);
  }

  /** Every shard's values and version, read together. */
  record Pulled(float[][] values, long[] versions) {
    /** The shards' values concatenated: the flat parameter vector. */
    public float[] flat() {
      int n = 0;
      for (float[] v : values) {
        n += v.length;
      }
      float[] out = new float[n];
      int at = 0;
      for (float[] v : values) {
        System.arraycopy(v, 0, out, at, v.length);
        at += v.length;
      }
      return out;
    }
  }

  /** Per shard: the gradient's staleness and whether the shard applied it. */
  record Pushed(long[] staleness, boolean[] applied) {}

  int shards();

  /** Length of the flat parameter vector. */
  int size();

  Pulled pull();

  /**
   * Applies the gradient shard by shard.
   *
   * @param gradients one gradient per shard, each of its shard's length
   * @param pulledVersions the shard versions the gradient was computed on (from {@link #pull()})
   */
  Pushed push(float[][] gradients, long[] pulledVersions);

  /** Every shard's state, for a snapshot. */
  List<ShardState> state();

  /**
   * Replaces every shard's state with {@code state} (from {@link #state()} of a server of the same
   * size and shard count).
   *
   * @throws IllegalArgumentException when the shard count or a shard's size differs
   */
  void load(List<ShardState> state);

  @Override
  default void close() {}

  /**
   * Start offsets of {@code shards} contiguous shards of a vector of {@code length}, then {@code
   * length}: sizes differ by at most one, the larger ones first.
   *
   * @throws IllegalArgumentException unless 1 <= shards <= length
   */
  static int[] bounds(int length, int shards) {
    if (shards < 1 || shards > length) {
      throw new IllegalArgumentException(
          "cannot split " + length + " parameters into " + shards + " shards (1.." + length + ")");
    }
    int[] b = new int[shards + 1];
    for (int i = 0; i < shards; i++) {
      b[i + 1] = b[i] + length / shards + (i < length % shards ? 1 : 0);
    }
    return b;
  }

  /** {@code flat} cut at {@code bounds}. */
  static float[][] split(float[] flat, int[] bounds) {
    float[][] out = new float[bounds.length - 1][];
    for (int i = 0; i < out.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(flat, bounds[i], bounds[i + 1]);
    }
    return out;
  }
}
