package dev.jnas.oneshot;

import ai.djl.ndarray.NDArray;
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
 */
final class Proxyless extends OneShotSearch {
  private final ArchParameters alpha;
  /** Per label and option, the latency (ms) its mixed ops add; null without a table. */
  private final double[][] latency;
  private final double fixedLatency;

  /**
   * @param latency per label and option, the summed latency of that label's mixed ops; null: none
   */
  Proxyless(SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed,
      double[][] latency, double fixedLatency) {
    super(trainer, params, train, val, eval, seed);
    this.alpha = new ArchParameters(net, params, 0, Rng.derive(seed, 11), trainer.manager());
    this.latency = latency;
    this.fixedLatency = fixedLatency;
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
            archStep(valBatches.next(), rng);
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
      int[] path = alpha.sample(rng, step);
      net.useActive(oneHot(path));
      trainer.forwardBackward(batch, step, true);
      List<float[]> p = alpha.probabilities();
      List<double[]> grad = new ArrayList<>();
      for (float[] row : p) {
        grad.add(new double[row.length]);
      }
      for (Supernet.Probe probe : net.probes()) {
        MixedOp op = probe.op();
        int l = op.label();
        NDArray dy = probe.leaf().getGradient();
        dy.attach(step);
        int k = op.candidates().size();
        double[] g = new double[k];
        for (int j = 0; j < k; j++) {
          NDArray o = j == path[l] ? probe.output() : op.candidateOutput(j, trainer.store(), probe.input(), true);
          g[j] = o == null ? 0 : o.mul(dy).sum().getFloat();
        }
        float[] pl = p.get(l);
        for (int i = 0; i < k; i++) {
          double d = 0;
          for (int j = 0; j < k; j++) {
            d += g[j] * pl[j] * ((i == j ? 1 : 0) - pl[i]);
          }
          grad.get(l)[i] += d;
        }
      }
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
      alpha.step(grad, step);
    }
  }

  /** The latency the table predicts for the current probabilities (ms), or NaN without a table. */
  double expectedLatency() {
    if (latency == null) {
      return Double.NaN;
    }
    double total = fixedLatency;
    List<float[]> p = alpha.probabilities();
    for (int l = 0; l < p.size(); l++) {
      for (int i = 0; i < p.get(l).length; i++) {
        total += p.get(l)[i] * latency[l][i];
      }
    }
    return total;
  }

  @Override
  protected Architecture current(int epoch) {
    return deriveFinal();
  }

  /** The most probable option of every decision (NNI 3.0's export returned a sample instead). */
  @Override
  protected Architecture deriveFinal() {
    return net.derive(alpha.probabilities());
  }

  @Override
  protected List<float[]> probabilities() {
    return alpha.probabilities();
  }

  @Override
  protected JsonNode state() {
    return alpha.toJson();
  }

  @Override
  protected void restore(JsonNode state) {
    alpha.restore(state);
  }

  @Override
  protected void describeEpoch(ObjectNode record) {
    double e = expectedLatency();
    if (!Double.isNaN(e)) {
      record.put("expected_latency_ms", e);
    }
  }
}
