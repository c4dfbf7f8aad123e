package dev.jnas.cluster;

import dev.jnas.strategy.rl.AdamSettings;
import dev.jnas.strategy.rl.ParameterServer;
import dev.jnas.strategy.rl.ShardState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;

/**
 * NAS-RL's parameter servers in the cluster: the controller's shards are the entries of a
 * partitioned Ignite cache with one partition per shard (and one backup, so a worker's death loses
 * none), spread over the nodes. A push runs {@link ShardState#push} as an entry processor on the
 * node that owns the shard, atomically per shard, so replicas' updates to different shards go to
 * different nodes and never wait for each other.
 */
public final class ClusterParameterServer implements ParameterServer {
  private final IgniteCache<Integer, byte[]> cache;
  private final int[] bounds;
  private final AdamSettings adam;
  private final int maxStaleness;

  private ClusterParameterServer(Ignite ignite, String name, float[] initial, int shards, AdamSettings adam, int maxStaleness) {
    this.bounds = ParameterServer.bounds(initial.length, shards);
    this.adam = adam;
    this.maxStaleness = maxStaleness;
    CacheConfiguration<Integer, byte[]> cfg = new CacheConfiguration<Integer, byte[]>(name)
        .setCacheMode(CacheMode.PARTITIONED)
        .setAtomicityMode(CacheAtomicityMode.ATOMIC)
        .setBackups(1)
        .setAffinity(new RendezvousAffinityFunction(false, shards));
    this.cache = ignite.getOrCreateCache(cfg);
    float[][] parts = ParameterServer.split(initial, bounds);
    Map<Integer, byte[]> init = new TreeMap<>();
    for (int i = 0; i < shards; i++) {
      init.put(i, bytes(ShardState.initial(parts[i])));
    }
    cache.putAll(init);
  }

  /** Parameter servers for the experiment {@code key}, in the cluster of {@code node}. */
  public static Function<String, Factory> on(ClusterNode node) {
    return key -> (initial, shards, adam, maxStaleness) ->
        new ClusterParameterServer(node.ignite(), "jnas-params-" + Integer.toHexString(key.hashCode()), initial, shards, adam, maxStaleness);
  }

  @Override
  public int shards() {
    return bounds.length - 1;
  }

  @Override
  public int size() {
    return bounds[bounds.length - 1];
  }

  @Override
  public Pulled pull() {
    List<ShardState> s = state();
    float[][] values = new float[s.size()][];
    long[] versions = new long[s.size()];
    for (int i = 0; i < s.size(); i++) {
      values[i] = s.get(i).values();
      versions[i] = s.get(i).version();
    }
    return new Pulled(values, versions);
  }

  @Override
  public Pushed push(float[][] gradients, long[] pulledVersions) {
    int n = shards();
    if (gradients.length != n || pulledVersions.length != n) {
      throw new IllegalArgumentException("a push needs one gradient and one pulled version per shard (" + n + ")");
    }
    long[] staleness = new long[n];
    boolean[] applied = new boolean[n];
    for (int i = 0; i < n; i++) {
      long[] r = cache.invoke(i, new Push(gradients[i], pulledVersions[i], maxStaleness, adam));
      staleness[i] = r[0];
      applied[i] = r[1] == 1;
    }
    return new Pushed(staleness, applied);
  }

  @Override
  public List<ShardState> state() {
    List<ShardState> out = new ArrayList<>();
    for (int i = 0; i < shards(); i++) {
      byte[] b = cache.get(i);
      if (b == null) {
        throw new IllegalStateException("the cluster lost shard " + i + " of the controller's parameters");
      }
      out.add(state(b));
    }
    return out;
  }

  @Override
  public void load(List<ShardState> state) {
    if (state.size() != shards()) {
      throw new IllegalArgumentException("state of " + state.size() + " shards for a server of " + shards());
    }
    Map<Integer, byte[]> all = new TreeMap<>();
    for (int i = 0; i < state.size(); i++) {
      if (state.get(i).size() != bounds[i + 1] - bounds[i]) {
        throw new IllegalArgumentException("shard " + i + " has " + state.get(i).size() + " values, expected " + (bounds[i + 1] - bounds[i]));
      }
      all.put(i, bytes(state.get(i)));
    }
    cache.putAll(all);
  }

  /** Drops the shards: the experiment's snapshot in its store holds them. */
  @Override
  public void close() {
    try {
      cache.destroy();
    } catch (RuntimeException e) {
      // the node is going down anyway
    }
  }

  static byte[] bytes(ShardState s) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(b)) {
      o.writeObject(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static ShardState state(byte[] b) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return (ShardState) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One replica's gradient for one shard, applied where the shard lives: returns {staleness, applied}. */
  static final class Push implements EntryProcessor<Integer, byte[], long[]>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] gradient;
    private final long pulledVersion;
    private final int maxStaleness;
    /** Adam's settings as plain fields: Ignite's marshaller does not write records. */
    private final float learningRate;
    private final float beta1;
    private final float beta2;

    Push(float[] gradient, long pulledVersion, int maxStaleness, AdamSettings adam) {
      this.gradient = gradient;
      this.pulledVersion = pulledVersion;
      this.maxStaleness = maxStaleness;
      this.learningRate = adam.learningRate();
      this.beta1 = adam.beta1();
      this.beta2 = adam.beta2();
    }

    @Override
    public long[] process(MutableEntry<Integer, byte[]> entry, Object... args) {
      ShardState.Outcome o = ShardState.push(state(entry.getValue()), gradient.clone(), pulledVersion, maxStaleness,
          new AdamSettings(learningRate, beta1, beta2));
      if (o.applied()) {
        entry.setValue(bytes(o.state()));
      }
      return new long[] {o.staleness(), o.applied() ? 1 : 0};
    }
  }
}
