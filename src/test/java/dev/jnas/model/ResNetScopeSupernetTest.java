package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.jnas.space.Architecture;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.util.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResNetScopeSupernetTest {
  /** All four stages searched, one block each: every search block has a projection shortcut. */
  private final ResNetScopeSpace full = new ResNetScopeSpace(ResNetScopeSpace.Scope.F, 0.01, List.of(1, 1, 1, 1));
  /** Two plain stages, then two searched stages of two blocks: identity shortcuts in the second blocks. */
  private final ResNetScopeSpace medium = new ResNetScopeSpace(ResNetScopeSpace.Scope.M, 0.01, List.of(1, 1, 2, 2));

  @Test
  void subNetworksComputeWhatTheStandaloneNetworksCompute() {
    for (ResNetScopeSpace space : List.of(full, medium)) {
      ResNetScopeSupernet net = new ResNetScopeSupernet(space, new Shape(3, 16, 16), 10);
      try (Model m = Model.newInstance("supernet")) {
        SupernetChecks.initialize(net, m.getNDManager());
        Rng rng = Rng.of(7);
        for (int i = 0; i < 6; i++) {
          Architecture a = i < 2 ? uniform(space, i == 0 ? "k3_relu" : "k5_mish") : space.sample(rng);
          assertThat(SupernetChecks.maxDifferenceFromStandalone(net, a, m.getNDManager(), i))
              .as("sub-network of %s", space.encode(a))
              .isLessThan(1e-5);
        }
      }
    }
  }

  @Test
  void oneHotWeightsComputeTheSampledPath() {
    ResNetScopeSupernet net = new ResNetScopeSupernet(medium, new Shape(1, 8, 8), 10);
    try (Model m = Model.newInstance("supernet")) {
      SupernetChecks.initialize(net, m.getNDManager());
      Architecture a = medium.decode("k5_leaky_relu,k3_mish,k5_relu,k3_leaky_relu");
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager sub = m.getNDManager().newSubManager()) {
        NDArray x = sub.create(NetworkChecks.randomFloats(4 * 64, 3), new Shape(4, 1, 8, 8));
        net.useArchitecture(a);
        net.beginPass(false);
        NDArray path = forward(net, x, sub);
        assertThat(net.used()).hasNumberOfRows(2 * a.size());
        for (MixedOp op : net.mixedOps()) {
          for (int k = 0; k < 6; k++) {
            assertThat(net.used()[op.id()][k]).as("op %d candidate %d", op.id(), k).isEqualTo(k == a.get(op.label()));
          }
        }
        NDArray[] weights = new NDArray[a.size()];
        for (int l = 0; l < a.size(); l++) {
          float[] w = new float[6];
          w[a.get(l)] = 1;
          weights[l] = sub.create(w);
        }
        net.useWeights(weights);
        net.beginPass(false);
        NDArray mixed = forward(net, x, sub);
        assertThat(mixed.sub(path).abs().max().getFloat()).isLessThan(1e-5f);
        assertThat(net.used()[0]).containsOnly(true); // a weighted pass runs every candidate
      } finally {
        JniUtils.setGradMode(grad);
      }
    }
  }

  @Test
  void labelsAreTheSearchBlocksWithTheSixOps() {
    ResNetScopeSupernet net = (ResNetScopeSupernet) Supernets.create(medium, new Shape(3, 8, 8), 10);
    assertThat(net.labels().stream().map(Supernet.Label::name))
        .containsExactly("stage3_block1", "stage3_block2", "stage4_block1", "stage4_block2");
    assertThat(net.labels().get(0).options()).isEqualTo(ResNetScopeSpace.OPS);
    // per search block: the branch, then the activation after the addition
    assertThat(net.mixedOps()).hasSize(8);
    assertThat(net.mixedOps().stream().map(MixedOp::label)).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
    assertThat(net.mixedOps().get(0).candidates()).allMatch(c -> c.kind() == MixedOp.Kind.BLOCK);
    assertThat(net.mixedOps().get(1).candidates().get(0).block().getParameters().isEmpty()).isTrue();
    Architecture a = medium.sample(Rng.of(2));
    assertThat(net.fromChoices(a.choices())).isEqualTo(a);
    assertThat(net.derive(List.of(
            new float[] {0, 0, 0, 0, 0, 1}, new float[] {1, 0, 0, 0, 0, 0},
            new float[] {0.1f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f}, new float[] {0, 0, 0, 0.9f, 0.1f, 0})))
        .isEqualTo(medium.decode("k5_mish,k3_relu,k3_leaky_relu,k5_relu"));
  }

  private static Architecture uniform(ResNetScopeSpace space, String op) {
    return space.decode(String.join(",", java.util.Collections.nCopies(space.decisions().size(), op)));
  }

  private static NDArray forward(Supernet net, NDArray x, NDManager manager) {
    return net.block().forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
  }
}
