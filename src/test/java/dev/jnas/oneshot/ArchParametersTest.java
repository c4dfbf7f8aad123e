package dev.jnas.oneshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.jnas.model.NasBench201Supernet;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchParametersTest {
  private final NasBench201Supernet net = new NasBench201Supernet(new NasBench201Space(1, 4), new Shape(1, 8, 8), 10);
  private final OneShotParams params = OneShotParams.fromJson("proxyless", Json.MAPPER.createObjectNode());

  @Test
  void gumbelMaxDrawsFollowTheSoftmaxAndTheSeed() {
    try (Model m = Model.newInstance("a"); NDManager step = m.getNDManager().newSubManager()) {
      ArchParameters a = new ArchParameters(net, params, 1.0, 3, m.getNDManager());
      List<float[]> p = a.probabilities();
      Rng rng = Rng.of(9);
      int n = 3000;
      int[] counts = new int[5];
      List<int[]> first = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int[] s = a.sample(rng, step);
        counts[s[0]]++;
        if (i < 20) {
          first.add(s);
        }
      }
      for (int k = 0; k < 5; k++) {
        assertThat((double) counts[k] / n).as("option %d", k).isCloseTo(p.get(0)[k], within(0.03));
      }
      Rng again = Rng.of(9);
      for (int[] s : first) {
        assertThat(a.sample(again, step)).isEqualTo(s);
      }
    }
  }

  @Test
  void aTwoPathStepKeepsTheShareOfTheOptionsNotDrawn() {
    try (Model m = Model.newInstance("a"); NDManager step = m.getNDManager().newSubManager()) {
      ai.djl.engine.Engine.getInstance();
      JniUtils.setGradMode(false);
      ArchParameters a = new ArchParameters(net, params, 0.5, 4, m.getNDManager());
      List<float[]> before = a.probabilities();
      List<double[]> grad = new ArrayList<>();
      int[][] pairs = new int[6][];
      for (int l = 0; l < 6; l++) {
        grad.add(new double[] {0, 0.3, -0.4, 0, 0});
        pairs[l] = new int[] {1, 2};
      }
      a.stepKeepingOthers(grad, pairs, step);
      List<float[]> after = a.probabilities();
      for (int l = 0; l < 6; l++) {
        for (int k : new int[] {0, 3, 4}) {
          assertThat(after.get(l)[k]).isCloseTo(before.get(l)[k], within(1e-6f));
        }
        assertThat(after.get(l)[1] + after.get(l)[2]).isCloseTo(before.get(l)[1] + before.get(l)[2], within(1e-5f));
        // descent: option 2 (negative gradient) gains, option 1 loses
        assertThat(after.get(l)[2]).isGreaterThan(before.get(l)[2]);
        assertThat(after.get(l)[1]).isLessThan(before.get(l)[1]);
      }
    }
  }

  @Test
  void savedStateRestoresTheSameLogitsAndAdamMoments() {
    try (Model m = Model.newInstance("a"); NDManager step = m.getNDManager().newSubManager()) {
      ai.djl.engine.Engine.getInstance();
      JniUtils.setGradMode(false);
      ArchParameters a = new ArchParameters(net, params, 0.5, 4, m.getNDManager());
      List<double[]> grad = new ArrayList<>();
      for (int l = 0; l < 6; l++) {
        grad.add(new double[] {0.1, -0.2, 0.3, 0, 0.05});
      }
      a.step(grad, step);
      var saved = a.toJson();
      ArchParameters b = new ArchParameters(net, params, 0, 99, m.getNDManager());
      b.restore(saved);
      assertThat(b.toJson()).isEqualTo(saved);
      a.step(grad, step);
      b.step(grad, step);
      assertThat(b.toJson()).isEqualTo(a.toJson());
    }
  }
}
