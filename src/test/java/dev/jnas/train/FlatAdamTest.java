package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Adam on one flat buffer against DJL's Adam per array ({@link SavableAdam}, today's update): the
 * same arrays, loss and gradients for 20 steps give the same weights and moments within 1e-6, from
 * autograd and from gradients given as values, with weight decay, and across a save and restore.
 */
class FlatAdamTest {
  private static final Shape[] SHAPES = {new Shape(3, 4), new Shape(4), new Shape(2, 3, 5), new Shape(1)};
  private static final FlatAdam.Settings SETTINGS = new FlatAdam.Settings(0.05f, 0.8f, 0.99f, 0.01f);

  private static List<NDArray> arrays(NDManager m, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<NDArray> out = new ArrayList<>();
    for (Shape s : SHAPES) {
      float[] v = new float[(int) s.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rng.nextGaussian();
      }
      NDArray a = m.create(v, s);
      a.setRequiresGradient(true);
      out.add(a);
    }
    return out;
  }

  private static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SHAPES.length; i++) {
      ids.add("a" + i);
    }
    return ids;
  }

  /** A loss with a different, nonlinear gradient per element, changing with the step. */
  private static void backward(List<NDArray> w, int step, NDManager round) {
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (int i = 0; i < w.size(); i++) {
        NDArray shift = round.full(w.get(i).getShape(), 0.1f * (step + 1) * (i + 1));
        NDArray part = w.get(i).sub(shift).sin().mul(w.get(i)).sum();
        loss = loss == null ? part : loss.add(part);
      }
      c.backward(loss);
    }
  }

  /** The per-array reference: DJL's Adam called once per array, as before flat buffers. */
  private static List<float[]> reference(NDManager m, int steps, boolean javaGradients) {
    List<NDArray> w = arrays(m, 3);
    SavableAdam adam =
        new SavableAdam(SETTINGS.learningRate(), SETTINGS.beta1(), SETTINGS.beta2(), SETTINGS.weightDecay(), 0, Map.of(), m);
    for (int s = 0; s < steps; s++) {
      try (NDManager round = m.newSubManager()) {
        if (javaGradients) {
          float[] g = gradientValues(s);
          int at = 0;
          for (int i = 0; i < w.size(); i++) {
            int n = (int) w.get(i).size();
            adam.update("a" + i, w.get(i), round.create(java.util.Arrays.copyOfRange(g, at, at + n), w.get(i).getShape()));
            at += n;
          }
          continue;
        }
        backward(w, s, round);
        for (int i = 0; i < w.size(); i++) {
          NDArray g = w.get(i).getGradient();
          g.attach(round);
          adam.update("a" + i, w.get(i), g);
          JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) w.get(i));
        }
      }
    }
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      out.add(w.get(i).toFloatArray());
      out.addAll(adam.moments("a" + i));
    }
    return out;
  }

  private static float[] gradientValues(int step) {
    int total = 0;
    for (Shape s : SHAPES) {
      total += (int) s.size();
    }
    SplittableRandom rng = new SplittableRandom(100 + step);
    float[] g = new float[total];
    for (int i = 0; i < total; i++) {
      g[i] = (float) rng.nextGaussian();
    }
    return g;
  }

  private static void train(FlatAdam adam, NDManager m, int from, int to, boolean javaGradients) {
    for (int s = from; s < to; s++) {
      try (NDManager round = m.newSubManager()) {
        if (javaGradients) {
          adam.step(gradientValues(s), round);
        } else {
          backward(adam.arrays(), s, round);
          adam.step(round);
        }
      }
    }
  }

  private static List<float[]> state(FlatAdam adam) {
    List<float[]> out = new ArrayList<>();
    List<String> ids = ids();
    for (int i = 0; i < ids.size(); i++) {
      out.add(adam.arrays().get(i).toFloatArray());
      out.addAll(adam.moments(ids.get(i)));
    }
    return out;
  }

  private static void assertClose(List<float[]> actual, List<float[]> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int k = 0; k < expected.size(); k++) {
      assertThat(actual.get(k)).hasSameSizeAs(expected.get(k));
      for (int i = 0; i < expected.get(k).length; i++) {
        assertThat(actual.get(k)[i]).as("array %d element %d", k, i).isCloseTo(expected.get(k)[i], org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void twentyFlatStepsFromAutogradMatchThePerArrayUpdate() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> expected = reference(m, 20, false);
      List<NDArray> given = arrays(m, 3);
      FlatAdam adam = FlatAdam.forArrays(given, ids(), SETTINGS, m);
      assertThat(adam.isFlat()).isTrue();
      assertThat(adam.flatShape()).isEqualTo(new Shape(12 + 4 + 30 + 1));
      assertThat(adam.arrays().get(2).getShape()).isEqualTo(SHAPES[2]);
      assertThat(adam.moments("a0")).isEmpty();
      train(adam, m, 0, 20, false);
      assertThat(adam.steps()).isEqualTo(20);
      assertClose(state(adam), expected);
      // the step cleared the gradients
      for (NDArray a : adam.arrays()) {
        assertThat(a.getGradient().abs().sum().getFloat()).isZero();
      }
      // and the weights moved: the comparison is not of two untouched copies
      assertThat(state(adam).get(0)).isNotEqualTo(arrays(m, 3).get(0).toFloatArray());
    }
  }

  @Test
  void twentyFlatStepsFromGivenGradientsMatchThePerArrayUpdate() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> expected = reference(m, 20, true);
      FlatAdam adam = FlatAdam.forArrays(arrays(m, 3), ids(), SETTINGS, m);
      train(adam, m, 0, 20, true);
      assertClose(state(adam), expected);
    }
  }

  @Test
  void aRestoredAdamContinuesAsIfNeverStopped() {
    try (NDManager m = NDManager.newBaseManager()) {
      FlatAdam straight = FlatAdam.forArrays(arrays(m, 3), ids(), SETTINGS, m);
      train(straight, m, 0, 20, false);

      FlatAdam first = FlatAdam.forArrays(arrays(m, 3), ids(), SETTINGS, m);
      train(first, m, 0, 10, false);
      Map<String, List<float[]>> saved = new HashMap<>();
      for (String id : ids()) {
        saved.put(id, first.moments(id));
      }
      List<NDArray> resumedArrays = arrays(m, 3);
      for (int i = 0; i < resumedArrays.size(); i++) {
        resumedArrays.get(i).set(first.arrays().get(i).toFloatArray());
      }
      FlatAdam resumed = FlatAdam.forArrays(resumedArrays, ids(), SETTINGS, m);
      resumed.restore(first.steps(), saved);
      assertThat(resumed.moments("a2")).hasSize(2); // restored state reads back before a step
      train(resumed, m, 10, 20, false);
      assertClose(state(resumed), state(straight));
    }
  }

  @Test
  void anArrayListedTwiceKeepsThePerArrayUpdate() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1f, 2f});
      a.setRequiresGradient(true);
      FlatAdam adam = FlatAdam.forArrays(List.of(a, a), List.of("x", "y"), SETTINGS, m);
      assertThat(adam.isFlat()).isFalse();
      try (NDManager round = m.newSubManager()) {
        adam.step(new float[] {1f, 1f, 1f, 1f}, round);
      }
      assertThat(a.toFloatArray()[0]).isLessThan(1f);
    }
  }

  @Test
  void badStateAndGradientsAreRefused() {
    try (NDManager m = NDManager.newBaseManager()) {
      FlatAdam adam = FlatAdam.forArrays(arrays(m, 3), ids(), SETTINGS, m);
      assertThatThrownBy(() -> adam.restore(1, Map.of("nope", List.of(new float[12]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown array nope");
      assertThatThrownBy(() -> adam.restore(1, Map.of("a0", List.of(new float[5]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a0 has 5 values, the array 12");
      try (NDManager round = m.newSubManager()) {
        assertThatThrownBy(() -> adam.step(new float[3], round))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("gradient has 3 values, the arrays 47");
      }
      assertThatThrownBy(() -> FlatAdam.forArrays(arrays(m, 3), List.of("a", "a", "b", "c"), SETTINGS, m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("one distinct id per array");
    }
  }
}
