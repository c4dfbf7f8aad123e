package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasRlMacroSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NasRlMacroSupernetTest {
  private final NasRlMacroSpace space = NasRlMacroSpace.withOps(4, NasRlMacroSpace.ENAS_OPS, 4);

  @Test
  void subNetworksComputeWhatTheStandaloneNetworksCompute() {
    NasRlMacroSupernet net = new NasRlMacroSupernet(space, new Shape(1, 8, 8), 10);
    List<Architecture> archs = new ArrayList<>();
    archs.add(space.decode("conv3x3;conv5x5;sep3x3;sep5x5")); // no skip at all
    archs.add(space.decode("max3x3;avg3x3<0;conv3x3<0,1;sep5x5<0,1,2")); // every skip
    archs.add(space.decode("sep3x3;sep3x3;avg3x3<1;max3x3<0,2")); // the same op twice, a layer without skips
    Rng rng = Rng.of(4);
    for (int i = 0; i < 3; i++) {
      archs.add(space.sample(rng));
    }
    SupernetChecks.assertSubNetworksMatchStandalone(net, archs);
  }

  @Test
  void labelsAreTheOpsAndTheConnections() {
    NasRlMacroSupernet net = new NasRlMacroSupernet(space, new Shape(1, 8, 8), 10);
    assertThat(net.labels().stream().map(Supernet.Label::name))
        .containsExactly("op_0", "in_0_1", "op_1", "in_0_2", "in_1_2", "op_2", "in_0_3", "in_1_3", "in_2_3", "op_3");
    assertThat(net.labels().get(0).options()).isEqualTo(NasRlMacroSpace.ENAS_OPS);
    assertThat(net.labels().get(1).options()).containsExactly("0", "1");
    assertThat(net.mixedOps()).hasSize(10);
    for (MixedOp op : net.mixedOps()) {
      if (op.candidates().size() == 2) {
        assertThat(op.candidates().get(0).kind()).isEqualTo(MixedOp.Kind.ZERO);
        assertThat(op.candidates().get(1).kind()).isEqualTo(MixedOp.Kind.IDENTITY);
      }
    }
    Rng rng = Rng.of(6);
    for (int i = 0; i < 5; i++) {
      Architecture a = space.sample(rng);
      assertThat(net.fromChoices(a.choices())).isEqualTo(a);
      List<float[]> p = new ArrayList<>();
      for (boolean[] row : net.activeFor(a)) {
        float[] f = new float[row.length];
        for (int k = 0; k < row.length; k++) {
          f[k] = row[k] ? 0.6f : 0.4f / (row.length - 1);
        }
        p.add(f);
      }
      assertThat(net.derive(p)).isEqualTo(a);
    }
    assertThat(Supernets.create(space, new Shape(1, 8, 8), 10)).isInstanceOf(NasRlMacroSupernet.class);
  }

  @Test
  void theFilterSizeSpaceHasNoSupernet() {
    assertThatThrownBy(() -> Supernets.create(new NasRlMacroSpace(), new Shape(1, 8, 8), 10))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nasrl-macro")
        .hasMessageContaining("ops");
  }
}
