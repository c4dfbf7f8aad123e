package dev.jnas.strategy.rl;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ParameterServer} in this process: each shard's state in a field, replaced under the
 * server's lock by {@link ShardState#push}. The controller's default.
 */
public final class LocalParameterServer implements ParameterServer {
  /** Creates local servers. */
  public static final Factory FACTORY = LocalParameterServer::new;

  private final int[] bounds;
  private final AdamSettings adam;
  private final int maxStaleness;
  private final ShardState[] shards;

  public LocalParameterServer(float[] initial, int shards, AdamSettings adam, int maxStaleness) {
    if (maxStaleness < 0) {
      throw new IllegalArgumentException("max staleness must be >= 0, got " + maxStaleness);
    }
    this.bounds = ParameterServer.bounds(initial.length, shards);
    this.adam = adam;
    this.maxStaleness = maxStaleness;
    this.shards = new ShardState[shards];
    float[][] parts = ParameterServer.split(initial, bounds);
    for (int i = 0; i < shards; i++) {
      this.shards[i] = ShardState.initial(parts[i]);
    }
  }

  @Override
  public int shards() {
    return shards.length;
  }

  @Override
  public int size() {
    return bounds[bounds.length - 1];
  }

  @Override
  public synchronized Pulled pull() {
    float[][] values = new float[shards.length][];
    long[] versions = new long[shards.length];
    for (int i = 0; i < shards.length; i++) {
      values[i] = shards[i].values().clone();
      versions[i] = shards[i].version();
    }
    return new Pulled(values, versions);
  }

  @Override
  public synchronized Pushed push(float[][] gradients, long[] pulledVersions) {
    if (gradients.length != shards.length || pulledVersions.length != shards.length) {
      throw new IllegalArgumentException(
          "a push needs one gradient and one pulled version per shard (" + shards.length + ")");
    }
    long[] staleness = new long[shards.length];
    boolean[] applied = new boolean[shards.length];
    for (int i = 0; i < shards.length; i++) {
      ShardState.Outcome o = ShardState.push(shards[i], gradients[i].clone(), pulledVersions[i], maxStaleness, adam);
      shards[i] = o.state();
      staleness[i] = o.staleness();
      applied[i] = o.applied();
    }
    return new Pushed(staleness, applied);
  }

  @Override
  public synchronized List<ShardState> state() {
    return List.of(shards.clone());
  }

  @Override
  public synchronized void load(List<ShardState> state) {
    if (state.size() != shards.length) {
      throw new IllegalArgumentException("state of " + state.size() + " shards for a server of " + shards.length);
    }
    for (int i = 0; i < shards.length; i++) {
      if (state.get(i).size() != bounds[i + 1] - bounds[i]) {
        throw new IllegalArgumentException(
            "shard " + i + " holds " + state.get(i).size() + " values, expected " + (bounds[i + 1] - bounds[i]));
      }
    }
    for (int i = 0; i < shards.length; i++) {
      shards[i] = state.get(i);
    }
  }
}
