package dev.jnas.oneshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.model.MixedOp;
import dev.jnas.model.Supernet;
import dev.jnas.space.Architecture;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * ProxylessNAS (Cai et al. 2019) with binary gates: every step samples one path per decision from
 * softmax(alpha) and trains only that path's weights (the memory of one path). Alpha is learnt on
 * validation batches by the paper's estimator: with {@code g_j = <o_j, dL/dy>} for every candidate
 * j at the sampled path's input, {@code dL/dalpha_i = sum_j g_j p_j (delta_ij - p_i)}; the other
 * candidates run without gradients only for that. With a latency table and {@code latency_weight}
 * lambda the loss adds {@code lambda * sum_i p_i latency_i} per decision, whose gradient {@code
 * lambda p_i (latency_i - E[latency])} is exact. The architecture is the argmax of alpha.
 *
 * <p>{@code paths: 2} is the official code's two-path mode: each architecture step draws two
 * options per decision, the gradient runs over those two (their probabilities renormalised), and
 * after the Adam step the two logits are shifted so that their total probability is what it was:
 * the options not drawn keep their share.
 */
final class Proxyless extends DifferentiableSearch {
  private final LatencyTable table; // null: no latency term
  /** Per label and option, the latency (ms) its mixed ops add (the table's sums); null without a table. */
  private final double[][] latency;

  /**
   * @param table the measured latencies (checked against the supernet), or null
   */
  Proxyless(SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed,
      LatencyTable table) {
    super(trainer, params, train, val, eval, seed, 0); // ProxylessNAS: alpha = 0, uniform
    this.table = table;
    this.latency = table == null ? null : table.latencySums();
  }

  @Override
  protected double[] trainEpoch(int epoch, Deadline deadline, Listener listener) {
    boolean archSteps = epoch > params.warmupEpochs();
    Rng rng = epochRng(epoch, 1);
    try (Endless valBatches = new Endless(val, epoch * 1000)) {
      return weightSteps(epoch, deadline, listener, new StepHook() {
        @Override
        public void beforeWeightStep(int s, NDManager step) {
          net.useActive(oneHot(archSteps ? alpha.sample(rng, step) : uniform(rng)));
        }

        @Override
        public void afterWeightStep(int s) {
          if (archSteps && (s + 1) % params.archEvery() == 0) {
            trainer.archStep(() -> archStep(valBatches.next(), rng));
          }
        }
      });
    }
  }

  /** Warm-up: every option equally likely, as ProxylessNAS warms up its supernet. */
  private int[] uniform(Rng rng) {
    int[] c = new int[net.labels().size()];
    for (int l = 0; l < c.length; l++) {
      c[l] = rng.nextInt(net.labels().get(l).options().size());
    }
    return c;
  }

  private boolean[][] oneHot(int[] choices) {
    boolean[][] a = new boolean[choices.length][];
    for (int l = 0; l < choices.length; l++) {
      a[l] = new boolean[net.labels().get(l).options().size()];
      a[l][choices[l]] = true;
    }
    return a;
  }

  private void archStep(BatchLoader.HostBatch batch, Rng rng) {
    try (NDManager step = trainer.manager().newSubManager()) {
      List<float[]> p = alpha.probabilities();
      // two-path mode: per decision two distinct candidates, the active one drawn between them
      int[][] pairs = params.paths() == 2 ? pairs(rng, step, p) : null;
      int[] path = pairs == null ? alpha.sample(rng, step) : active(pairs, p, rng);
      List<double[]> grad = estimate(batch, path, pairs, p, step);
      if (latency != null && params.latencyWeight() > 0) {
        for (int l = 0; l < p.size(); l++) {
          float[] pl = p.get(l);
          double expected = 0;
          for (int i = 0; i < pl.length; i++) {
            expected += pl[i] * latency[l][i];
          }
          for (int i = 0; i < pl.length; i++) {
            grad.get(l)[i] += params.latencyWeight() * pl[i] * (latency[l][i] - expected);
          }
        }
      }
      trainer.discardWeightGradients();
      if (pairs == null) {
        alpha.step(grad, step);
      } else {
        alpha.stepKeepingOthers(grad, pairs, step);
      }
    }
  }

  /**
   * ProxylessNAS's estimate of dL/dalpha (without the latency term) from one probing pass of
   * {@code batch} along {@code path}: per mixed op, {@code g_j = <o_j, dL/dy>} for every candidate
   * j ({@code involved}: all, or the pair drawn in two-path mode, whose probabilities {@code p}
   * are renormalised), then {@code sum_j g_j p_j (delta_ij - p_i)} summed over the mixed ops of
   * each decision. Leaves the weights' gradients of the pass in place.
   */
  List<double[]> estimate(BatchLoader.HostBatch batch, int[] path, int[][] pairs, List<float[]> p, NDManager step) {
    net.useActive(oneHot(path));
    trainer.forwardBackward(batch, step, true);
    List<Supernet.Probe> probes = net.probes();
    // every <o_j, dL/dy> stays in libtorch until one read at the end
    NDList products = new NDList();
    List<Probed> probed = new ArrayList<>();
    for (int q = 0; q < probes.size(); q++) {
      Supernet.Probe probe = probes.get(q);
      MixedOp op = probe.op();
      int l = op.label();
      NDArray dy = probe.leaf().getGradient();
      dy.attach(step);
      int[] involved = pairs == null ? all(op.candidates().size()) : pairs[l];
      int[] index = new int[involved.length];
      for (int a = 0; a < involved.length; a++) {
        int j = involved[a];
        index[a] = -1;
        if (op.candidates().get(j).kind() == MixedOp.Kind.ZERO) {
          continue;
        }
        if (j == path[l]) {
          NDArray v = probe.output().mul(dy).sum();
          v.attach(step);
          index[a] = products.size();
          products.add(v);
          continue;
        }
        // each other candidate in its own manager (ops land in their input's): one at a time in
        // memory. The input enters it as a view (a reshape to its own shape), not a copy: no
        // candidate writes to its input.
        try (NDManager candidate = step.newSubManager()) {
          NDArray x = probe.input().reshape(probe.input().getShape());
          x.attach(candidate);
          NDArray v = op.candidateOutput(j, trainer.store(), x, true).mul(dy).sum();
          v.attach(step);
          index[a] = products.size();
          products.add(v);
        }
      }
      probed.add(new Probed(l, involved, index));
    }
    float[] g = products.isEmpty() ? new float[0] : NDArrays.stack(products).toFloatArray();
    List<double[]> grad = new ArrayList<>();
    for (float[] row : p) {
      grad.add(new double[row.length]);
    }
    for (Probed q : probed) {
      int l = q.label();
      int[] involved = q.involved();
      int[] index = q.index();
      float[] pl = pairs == null ? p.get(l) : renormalised(p.get(l), involved);
      for (int a = 0; a < involved.length; a++) {
        double d = 0;
        for (int b = 0; b < involved.length; b++) {
          double gb = index[b] < 0 ? 0 : g[index[b]];
          d += gb * pl[involved[b]] * ((a == b ? 1 : 0) - pl[involved[a]]);
        }
        grad.get(l)[involved[a]] += d;
      }
    }
    return grad;
  }

  /**
   * One probed mixed op's decision, the candidates its estimate covers, and for each the index of
   * its inner product among those read back (-1: the zero op, whose product is 0).
   */
  private record Probed(int label, int[] involved, int[] index) {}

  private static int[] all(int k) {
    int[] a = new int[k];
    for (int i = 0; i < k; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Two distinct options per decision drawn from softmax(alpha) without replacement. */
  private int[][] pairs(Rng rng, NDManager step, List<float[]> p) {
    int[] first = alpha.sample(rng, step);
    int[][] out = new int[first.length][];
    for (int l = 0; l < first.length; l++) {
      float[] pl = p.get(l);
      if (pl.length < 2) {
        out[l] = new int[] {first[l]};
        continue;
      }
      // the second from the others, in proportion to their probabilities
      double rest = 1 - pl[first[l]];
      double u = rng.nextDouble() * rest;
      int second = -1;
      for (int k = 0; k < pl.length; k++) {
        if (k == first[l]) {
          continue;
        }
        second = k;
        u -= pl[k];
        if (u < 0) {
          break;
        }
      }
      out[l] = new int[] {first[l], second};
    }
    return out;
  }

  /** The active option of each pair, drawn by the pair's renormalised probabilities. */
  private static int[] active(int[][] pairs, List<float[]> p, Rng rng) {
    int[] a = new int[pairs.length];
    for (int l = 0; l < pairs.length; l++) {
      int[] pair = pairs[l];
      if (pair.length == 1) {
        a[l] = pair[0];
        continue;
      }
      float[] r = renormalised(p.get(l), pair);
      a[l] = rng.nextDouble() < r[pair[0]] ? pair[0] : pair[1];
    }
    return a;
  }

  /** {@code p} restricted to {@code involved} and renormalised there (zero elsewhere). */
  private static float[] renormalised(float[] p, int[] involved) {
    float[] r = new float[p.length];
    double sum = 0;
    for (int i : involved) {
      sum += p[i];
    }
    for (int i : involved) {
      r[i] = (float) (p[i] / sum);
    }
    return r;
  }

  /** The latency the table predicts for the current probabilities (ms), or NaN without a table. */
  double expectedLatency() {
    return table == null ? Double.NaN : table.expectedLatency(alpha.probabilities());
  }

  @Override
  protected void describeEpoch(ObjectNode record) {
    double e = expectedLatency();
    if (!Double.isNaN(e)) {
      record.put("expected_latency_ms", e);
    }
  }
}
