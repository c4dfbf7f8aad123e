package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import org.junit.jupiter.api.Test;

class NasBench201SpaceTest {
  private final NasBench201Space space = new NasBench201Space();

  @Test
  void enumeratesAllCells() {
    assertThat(space.enumerate().count()).isEqualTo(15_625);
  }

  @Test
  void decodesTheBenchmarksOwnString() {
    String s = "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|";
    assertThat(space.encode(space.decode(s))).isEqualTo(s);
  }

  @Test
  void namesTheBadPart() {
    assertThatThrownBy(() -> space.decode("|nor_conv_3x3~0|+|conv9~0|none~1|+|none~0|none~1|none~2|"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("conv9")
        .hasMessageContaining("node 2");
  }

  @Test
  void networkSizeComesFromParams() throws Exception {
    NasBench201Space small =
        (NasBench201Space) SearchSpaces.create(
            "nasbench201", dev.jnas.util.Json.MAPPER.readTree("{\"cells_per_stage\": 1, \"channels\": 8}"));
    assertThat(small.cellsPerStage()).isEqualTo(1);
    assertThat(small.channels()).isEqualTo(8);
    assertThat(space.cellsPerStage()).isEqualTo(5);
    assertThatThrownBy(
            () -> SearchSpaces.create("nasbench201", dev.jnas.util.Json.MAPPER.readTree("{\"cells\": 1}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'cells'")
        .hasMessageContaining("cells_per_stage, channels");
  }
}
