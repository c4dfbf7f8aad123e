package dev.jnas.oneshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.model.NasBench201Supernet;
import dev.jnas.space.NasBench201Space;
import dev.jnas.train.TrainingSettings;
import dev.jnas.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ProxylessNAS's gradient estimate against autograd: with binary gates, the mixed op's output is
 * {@code sum_k w_k o_k} at the one-hot {@code w} of the sampled path, so {@code g_j = <o_j,
 * dL/dy>} is exactly dL/dw_j of a weighted pass at that one-hot point (summed over the mixed ops
 * of each decision). The estimate must be {@code sum_j g_j p_j (delta_ij - p_i)} of those.
 */
class ProxylessEstimateTest {
  private final NasBench201Space space = new NasBench201Space(1, 4);

  @Test
  void theEstimateIsTheGatesAutogradGradientThroughTheSoftmax() {
    // all five kinds of edge on the path (zero, identity, both convolutions, pooling)
    checkPath(new int[] {2, 1, 3, 4, 0, 2});
    checkPath(new int[] {3, 3, 3, 3, 3, 3});
  }

  private void checkPath(int[] path) {
    NasBench201Supernet net = new NasBench201Supernet(space, new Shape(1, 8, 8), 10);
    ImageDataset data = ImageDataset.synthetic(32, 1, 8, 8, 10, 5);
    BatchLoader loader = new BatchLoader(data, 16, true, false, 1);
    ai.djl.engine.Engine.getInstance(); // loads libtorch before the grad-mode calls
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    OneShotParams params = OneShotParams.fromJson(OneShotParams.PROXYLESS, Json.MAPPER.createObjectNode());
    TrainingSettings settings = TrainingSettings.DEFAULTS.withBatchSize(16);
    try (SupernetTrainer trainer = new SupernetTrainer(net, settings, 7, 10);
        Proxyless search = new Proxyless(trainer, params, loader, loader, loader, 3, null);
        OneShotSearch.Endless batches = new OneShotSearch.Endless(loader, 0)) {
      BatchLoader.HostBatch batch = batches.next();
      int options = net.labels().get(0).options().size();
      // probabilities far from uniform, different per decision
      List<float[]> p = new java.util.ArrayList<>();
      for (int l = 0; l < net.labels().size(); l++) {
        float[] row = new float[options];
        float sum = 0;
        for (int k = 0; k < options; k++) {
          row[k] = 1 + ((k + 2 * l) % options);
          sum += row[k];
        }
        for (int k = 0; k < options; k++) {
          row[k] /= sum;
        }
        p.add(row);
      }
      List<double[]> estimate;
      List<double[]> twoPath;
      // two-path mode: each decision's gradient over the sampled option and one other only
      int[][] pairs = new int[path.length][];
      for (int l = 0; l < path.length; l++) {
        pairs[l] = new int[] {path[l], (path[l] + 2) % options};
      }
      try (NDManager step = trainer.manager().newSubManager()) {
        estimate = search.estimate(batch, path, null, p, step);
        trainer.discardWeightGradients();
      }
      try (NDManager step = trainer.manager().newSubManager()) {
        twoPath = search.estimate(batch, path, pairs, p, step);
        trainer.discardWeightGradients();
      }
      // the reference: a weighted pass at the one-hot gates, their gradients by autograd
      float[][] gates = new float[path.length][];
      try (NDManager step = trainer.manager().newSubManager()) {
        NDArray[] w = new NDArray[path.length];
        for (int l = 0; l < path.length; l++) {
          float[] oneHot = new float[options];
          oneHot[path[l]] = 1;
          w[l] = step.create(oneHot);
          w[l].setRequiresGradient(true);
        }
        net.useWeights(w);
        trainer.forwardBackward(batch, step, false);
        trainer.discardWeightGradients();
        for (int l = 0; l < path.length; l++) {
          gates[l] = w[l].getGradient().toFloatArray();
        }
      }
      double largest = 0;
      for (int l = 0; l < path.length; l++) {
        float[] pl = p.get(l);
        for (int i = 0; i < options; i++) {
          double expected = 0;
          for (int j = 0; j < options; j++) {
            expected += gates[l][j] * pl[j] * ((i == j ? 1 : 0) - pl[i]);
          }
          largest = Math.max(largest, Math.abs(expected));
          assertThat(estimate.get(l)[i]).as("decision %d option %d, path %s", l, i, java.util.Arrays.toString(path))
              .isCloseTo(expected, within(1e-5 + 1e-3 * Math.abs(expected)));
        }
      }
      assertThat(largest).as("a gradient that is not zero everywhere").isGreaterThan(1e-4);
      for (int l = 0; l < path.length; l++) {
        int[] pair = pairs[l];
        double total = p.get(l)[pair[0]] + p.get(l)[pair[1]];
        for (int i = 0; i < options; i++) {
          double expected = 0;
          int a = i == pair[0] ? 0 : i == pair[1] ? 1 : -1;
          if (a >= 0) {
            double ri = p.get(l)[i] / total;
            for (int j : pair) {
              double rj = p.get(l)[j] / total;
              expected += gates[l][j] * rj * ((i == j ? 1 : 0) - ri);
            }
          }
          assertThat(twoPath.get(l)[i]).as("two paths: decision %d option %d, path %s", l, i, java.util.Arrays.toString(path))
              .isCloseTo(expected, within(1e-5 + 1e-3 * Math.abs(expected)));
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
  }
}
