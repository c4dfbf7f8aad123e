package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.util.Rng;
import org.junit.jupiter.api.Test;

class NasBench201SupernetTest {
  private final NasBench201Space space = new NasBench201Space(1, 4);

  @Test
  void subNetworksComputeWhatTheStandaloneNetworksCompute() {
    NasBench201Supernet net = new NasBench201Supernet(space, new Shape(1, 8, 8), 10);
    try (Model m = Model.newInstance("supernet")) {
      SupernetChecks.initialize(net, m.getNDManager());
      Rng rng = Rng.of(5);
      for (int i = 0; i < 6; i++) {
        Architecture a = i == 0 ? space.decode("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|") : space.sample(rng);
        assertThat(SupernetChecks.maxDifferenceFromStandalone(net, a, m.getNDManager(), i))
            .as("sub-network of %s", space.encode(a))
            .isLessThan(1e-5);
      }
    }
  }

  @Test
  void labelsAreTheSixEdgesWithTheFiveOps() {
    NasBench201Supernet net = new NasBench201Supernet(space, new Shape(3, 8, 8), 10);
    assertThat(net.labels()).hasSize(6);
    assertThat(net.labels().get(NasBench201Space.edgeIndex(2, 1)).name()).isEqualTo("edge_2_1");
    assertThat(net.labels().get(0).options()).isEqualTo(NasBench201Space.OPS);
    // three stages of one cell, six edges each
    assertThat(net.mixedOps()).hasSize(18);
    Architecture a = space.sample(Rng.of(1));
    assertThat(net.fromChoices(a.choices())).isEqualTo(a);
  }

  @Test
  void discretisationNeverPicksNone() {
    NasBench201Supernet net = new NasBench201Supernet(space, new Shape(3, 8, 8), 10);
    java.util.List<float[]> p = new java.util.ArrayList<>();
    for (int e = 0; e < 6; e++) {
      // none strongest everywhere; then conv3x3 on even edges, skip on odd ones
      p.add(e % 2 == 0 ? new float[] {0.4f, 0.1f, 0.1f, 0.3f, 0.1f} : new float[] {0.4f, 0.3f, 0.1f, 0.1f, 0.1f});
    }
    Architecture d = net.derive(p);
    for (int e = 0; e < 6; e++) {
      assertThat(NasBench201Space.OPS.get(d.get(e))).isEqualTo(e % 2 == 0 ? "nor_conv_3x3" : "skip_connect");
    }
  }
}
