package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.jnas.space.Architecture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The flat-buffer step against the per-parameter one: the same network, data and settings for 20
 * steps give the same weights and momentum within 1e-6, with and without momentum, Nesterov,
 * weight decay, parameters left out of a step and partially used ones.
 */
class SgdTest {
  private static final Shape INPUT = new Shape(4, 1, 8, 8);

  /** A trained network and its optimiser. */
  private record Run(NDManager manager, Block block, List<Parameter> params, Sgd sgd) {}

  private static Run run(boolean flat, double momentum, boolean nesterov, double weightDecay) {
    NDManager manager = NDManager.newBaseManager();
    ai.djl.engine.Engine.getInstance().setRandomSeed(7);
    Block block = new TinyCnnBuilder().build(new Architecture("tiny", new int[] {1}), INPUT.slice(1), 3);
    block.initialize(manager, DataType.FLOAT32, INPUT);
    List<Parameter> params = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (var p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        params.add(p.getValue());
        names.add(p.getKey());
      }
    }
    Sgd sgd = new Sgd(params, names, momentum, nesterov, weightDecay, manager, flat);
    assertThat(sgd.isFlat()).isEqualTo(flat);
    return new Run(manager, block, params, sgd);
  }

  /** Step {@code s}'s skip pattern and partial slices, from the seed (the same for both runs). */
  private static void train(Run r, boolean leaveOut, long seed) {
    ParameterStore store = new ParameterStore(r.manager(), false);
    SplittableRandom rng = new SplittableRandom(seed);
    boolean before = JniUtils.isGradMode();
    try {
      for (int s = 0; s < 20; s++) {
        try (NDManager step = r.manager().newSubManager()) {
          float[] x = new float[(int) INPUT.size()];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
          }
          long[] y = new long[(int) INPUT.get(0)];
          for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(3);
          }
          boolean[] skip = new boolean[r.params().size()];
          Map<Integer, boolean[]> partial = new HashMap<>();
          if (leaveOut) {
            for (int i = 0; i < skip.length; i++) {
              skip[i] = rng.nextInt(4) == 0;
            }
            int p = 0; // the first convolution's weight: (w, 1, 3, 3); axis 1 has one entry
            partial.put(p, new boolean[] {rng.nextBoolean()});
            skip[p] = false;
            int q = r.params().size() - 2; // the linear weight: (3, in); axis 1 is its input
            boolean[] slice = new boolean[(int) r.params().get(q).getArray().getShape().get(1)];
            for (int i = 0; i < slice.length; i++) {
              slice[i] = rng.nextBoolean();
            }
            partial.put(q, slice);
            skip[q] = false;
          }
          JniUtils.setGradMode(true);
          NDArray input = step.create(x, INPUT);
          NDArray logits = r.block().forward(store, new NDList(input), true).singletonOrThrow();
          NDArray loss = logits.logSoftmax(1).gather(step.create(y).reshape(-1, 1), 1).mean().neg();
          JniUtils.backward((PtNDArray) loss, (PtNDArray) step.ones(loss.getShape()), false, false);
          JniUtils.setGradMode(false);
          for (int i = 0; i < skip.length; i++) {
            if (skip[i]) { // a step leaves out parameters that had no gradient
              JniUtils.zeroGrad((PtNDArray) r.params().get(i).getArray());
            }
          }
          float lr = 0.1f * (1 - s / 40f);
          r.sgd().step(step, lr, leaveOut ? skip : null, partial);
        }
      }
    } finally {
      JniUtils.setGradMode(before);
    }
  }

  @ParameterizedTest
  @CsvSource({"0.9, true, 5e-4, false", "0.9, false, 5e-4, false", "0, false, 0, false", "0.9, true, 5e-4, true",
      "0.9, false, 1e-3, true"})
  void flatStepsGiveThePerParameterWeights(double momentum, boolean nesterov, double weightDecay, boolean leaveOut) {
    Run flat = run(true, momentum, nesterov, weightDecay);
    Run each = run(false, momentum, nesterov, weightDecay);
    try {
      for (int i = 0; i < flat.params().size(); i++) {
        assertThat(flat.params().get(i).getArray().toFloatArray())
            .containsExactly(each.params().get(i).getArray().toFloatArray());
      }
      train(flat, leaveOut, 11);
      train(each, leaveOut, 11);
      double largest = 0;
      double moved = 0;
      for (int i = 0; i < flat.params().size(); i++) {
        float[] a = flat.params().get(i).getArray().toFloatArray();
        float[] b = each.params().get(i).getArray().toFloatArray();
        assertThat(a).hasSameSizeAs(b);
        for (int k = 0; k < a.length; k++) {
          largest = Math.max(largest, Math.abs(a[k] - b[k]));
        }
      }
      NDArray first = flat.params().get(0).getArray();
      assertThat(largest).isLessThanOrEqualTo(1e-6);
      Map<String, NDArray> sf = flat.sgd().state();
      Map<String, NDArray> se = each.sgd().state();
      assertThat(sf.keySet()).containsExactlyElementsOf(se.keySet());
      for (String k : sf.keySet()) {
        float[] a = sf.get(k).toFloatArray();
        float[] b = se.get(k).toFloatArray();
        for (int i = 0; i < a.length; i++) {
          assertThat((double) Math.abs(a[i] - b[i])).as(k).isLessThanOrEqualTo(1e-6);
          moved = Math.max(moved, Math.abs(a[i]));
        }
      }
      assertThat(first.getShape()).isEqualTo(each.params().get(0).getArray().getShape());
      if (momentum != 0) {
        assertThat(moved).isPositive(); // the buffers are not all zero: the comparison means something
      }
    } finally {
      flat.manager().close();
      each.manager().close();
    }
  }

  @Test
  void parametersBecomeViewsOfOneBufferAndKeepTheirValues() {
    Run r = run(true, 0.9, true, 5e-4);
    try (NDManager m = r.manager()) {
      List<float[]> before = new ArrayList<>();
      for (Parameter p : r.params()) {
        before.add(p.getArray().toFloatArray());
      }
      train(r, false, 3);
      // a step moved every parameter, and the gradients were zeroed after it
      for (int i = 0; i < r.params().size(); i++) {
        NDArray w = r.params().get(i).getArray();
        assertThat(w.toFloatArray()).as(r.params().get(i).getName()).isNotEqualTo(before.get(i));
        assertThat(w.getGradient().abs().sum().getFloat()).isZero();
        assertThat(w.hasGradient()).isTrue();
      }
    }
  }
}
