package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResNetScopeSpaceTest {
  private static ResNetScopeSpace create(String json) throws Exception {
    return (ResNetScopeSpace) SearchSpaces.create("resnet50-scope", json == null ? null : Json.MAPPER.readTree(json));
  }

  @Test
  void scopesGrowFromTheDeepestStage() throws Exception {
    assertThat(create(null).scope()).isEqualTo(ResNetScopeSpace.Scope.S);
    assertThat(create(null).decisions().stream().map(Decision::name))
        .containsExactly("stage4_block1", "stage4_block2", "stage4_block3");
    assertThat(create("{\"scope\": \"m\"}").decisions()).hasSize(6 + 3);
    assertThat(create("{\"scope\": \"l\"}").decisions()).hasSize(4 + 6 + 3);
    ResNetScopeSpace f = create("{\"scope\": \"f\"}");
    assertThat(f.decisions()).hasSize(16);
    assertThat(f.decisions().get(0).name()).isEqualTo("stage1_block1");
    assertThat(f.size()).isEqualTo(BigInteger.valueOf(6).pow(16));
    assertThat(create(null).size()).isEqualTo(BigInteger.valueOf(216));
    assertThat(create("{\"scope\": \"m\", \"blocks\": [1, 1, 2, 1]}").decisions().stream().map(Decision::name))
        .containsExactly("stage3_block1", "stage3_block2", "stage4_block1");
  }

  @Test
  void everySearchBlockChoosesKernelAndActivation() throws Exception {
    ResNetScopeSpace s = create(null);
    assertThat(s.decisions().get(0).cardinality()).isEqualTo(6);
    assertThat(ResNetScopeSpace.OPS)
        .containsExactly("k3_relu", "k3_leaky_relu", "k3_mish", "k5_relu", "k5_leaky_relu", "k5_mish");
    Architecture a = s.decode("k5_mish,k3_relu,k5_leaky_relu");
    assertThat(a.choices()).containsExactly(5, 0, 4);
    assertThat(s.encode(a)).isEqualTo("k5_mish,k3_relu,k5_leaky_relu");
    List<ResNetScopeSpace.Bottleneck> blocks = s.bottlenecks(a);
    assertThat(blocks).hasSize(16);
    // outside the scope: ResNet-50's plain bottleneck
    assertThat(blocks.get(0)).isEqualTo(new ResNetScopeSpace.Bottleneck(1, 1, -1, 3, "relu"));
    assertThat(blocks.subList(0, 13)).noneMatch(ResNetScopeSpace.Bottleneck::searched);
    assertThat(blocks.subList(13, 16))
        .containsExactly(
            new ResNetScopeSpace.Bottleneck(4, 1, 0, 5, "mish"),
            new ResNetScopeSpace.Bottleneck(4, 2, 1, 3, "relu"),
            new ResNetScopeSpace.Bottleneck(4, 3, 2, 5, "leaky_relu"));
  }

  @Test
  void widthScalesChannelsDownToEight() throws Exception {
    ResNetScopeSpace full = create("{\"width\": 1.0}");
    assertThat(full.stemChannels()).isEqualTo(64);
    assertThat(List.of(full.bottleneckWidth(1), full.bottleneckWidth(4))).containsExactly(64, 512);
    assertThat(full.stageChannels(4)).isEqualTo(2048);
    ResNetScopeSpace small = create(null);
    assertThat(small.width()).isEqualTo(0.125);
    assertThat(List.of(small.stemChannels(), small.bottleneckWidth(1), small.bottleneckWidth(2), small.bottleneckWidth(4)))
        .containsExactly(8, 8, 16, 64);
    ResNetScopeSpace tiny = create("{\"width\": 0.01}");
    assertThat(List.of(tiny.stemChannels(), tiny.bottleneckWidth(3), tiny.stageChannels(4))).containsExactly(8, 8, 32);
  }

  @Test
  void badStringsNameTheBlock() throws Exception {
    ResNetScopeSpace s = create(null);
    assertThatThrownBy(() -> s.decode("k3_relu,k7_relu,k3_mish"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("block 2 (stage4_block2)")
        .hasMessageContaining("unknown op 'k7_relu'")
        .hasMessageContaining("k5_mish");
    assertThatThrownBy(() -> s.decode("k3_relu,k3_relu"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("has 2 blocks")
        .hasMessageContaining("expected 3")
        .hasMessageContaining("scope s");
    assertThatThrownBy(() -> s.decode("k3_relu, k3_relu,k3_relu"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("' k3_relu'");
  }

  @Test
  void paramsAreCheckedByName() {
    assertThatThrownBy(() -> create("{\"scope\": \"xl\"}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("parameter 'scope' must be one of s, m, l, f")
        .hasMessageContaining("'xl'");
    assertThatThrownBy(() -> create("{\"width\": 0}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("parameter 'width'");
    assertThatThrownBy(() -> create("{\"blocks\": [3, 4, 6]}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("parameter 'blocks' must be four positive integers");
    assertThatThrownBy(() -> create("{\"blocks\": [3, 0, 6, 3]}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("parameter 'blocks'");
    assertThatThrownBy(() -> create("{\"depth\": 50}"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown parameter 'depth' (valid: scope, width, blocks)");
  }
}
