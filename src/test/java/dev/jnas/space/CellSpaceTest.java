package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellSpaceTest {
  private final CellSpace space = new CellSpace(2, CellSpace.ENAS_OPS, 1, 8, 2);

  @Test
  void decisionsAreInputOpInputOpPerBlock() {
    assertThat(space.decisions()).hasSize(16);
    assertThat(space.decisions().get(4))
        .isEqualTo(new Decision.InputChoice("normal_b1_in1", 3, List.of(0, 1, 2)));
    assertThat(space.decisions().get(9).name()).isEqualTo("reduce_b0_op1");
  }

  @Test
  void stringListsBothCells() {
    String s = "normal:0,sep_conv_3x3,1,identity/2,avg_pool_3x3,0,identity;"
        + "reduce:1,max_pool_3x3,0,sep_conv_5x5/0,identity,2,identity";
    Architecture a = space.decode(s);
    assertThat(space.normalCell(a))
        .containsExactly(
            new CellSpace.Block(0, "sep_conv_3x3", 1, "identity"),
            new CellSpace.Block(2, "avg_pool_3x3", 0, "identity"));
    assertThat(space.reductionCell(a).get(0)).isEqualTo(new CellSpace.Block(1, "max_pool_3x3", 0, "sep_conv_5x5"));
    assertThat(space.encode(a)).isEqualTo(s);
  }

  @Test
  void eachCellHasItsOwnNodeIdsButTheStringNumbersInputsWithinTheCell() {
    // normal cell: nodes 0..3; reduction cell: nodes 4..7 (blocks + 2 = 4 per cell)
    assertThat(space.decisions().get(8)).isEqualTo(new Decision.InputChoice("reduce_b0_in1", 6, List.of(4, 5)));
    assertThat(space.decisions().get(12)).isEqualTo(new Decision.InputChoice("reduce_b1_in1", 7, List.of(4, 5, 6)));
    String s = "normal:0,sep_conv_3x3,1,identity/2,avg_pool_3x3,0,identity;"
        + "reduce:1,max_pool_3x3,0,sep_conv_5x5/0,identity,2,identity";
    Architecture a = space.decode(s);
    assertThat(space.reductionCell(a).get(1)).isEqualTo(new CellSpace.Block(0, "identity", 2, "identity"));
    var json = space.toJson(a);
    assertThat(json.path("decisions").path("reduce_b1_in2").asText()).isEqualTo("2");
    json.remove("string");
    assertThat(space.fromJson(json)).isEqualTo(a);
    json.with("decisions").put("reduce_b1_in2", "6"); // a node id is not how the cell numbers its inputs
    assertThatThrownBy(() -> space.fromJson(json))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("reduce cell block 1")
        .hasMessageContaining("input 2 '6'")
        .hasMessageContaining("valid: 0, 1, 2");
  }

  @Test
  void namesTheBadCellBlockAndField() {
    assertThatThrownBy(
            () -> space.decode("normal:0,sep_conv_3x3,1,identity/3,avg_pool_3x3,0,identity;"
                + "reduce:1,max_pool_3x3,0,sep_conv_5x5/0,identity,2,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("normal cell block 1")
        .hasMessageContaining("input 1 '3'")
        .hasMessageContaining("0, 1, 2");
    assertThatThrownBy(
            () -> space.decode("normal:0,sep_conv_3x3,1,identity/2,avg_pool_3x3,0,identity;"
                + "reduce:1,max_pool_3x3,0,conv9/0,identity,2,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("reduce cell block 0")
        .hasMessageContaining("op 2 'conv9'");
    assertThatThrownBy(() -> space.decode("reduce:0,identity,1,identity/0,identity,1,identity;normal:0,identity,1,identity/0,identity,1,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("must start with 'normal:'");
  }

  @Test
  void presetAndParamsAreChecked() throws Exception {
    CellSpace pnas = (CellSpace) SearchSpaces.create("cell", Json.MAPPER.readTree("{\"preset\": \"pnas\"}"));
    assertThat(pnas.ops()).hasSize(8).contains("conv_1x7_7x1", "dil_conv_3x3");
    assertThat(((CellSpace) SearchSpaces.create("cell", null)).ops()).isEqualTo(CellSpace.ENAS_OPS);
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"preset\": \"darts\"}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("preset")
        .hasMessageContaining("enas, pnas");
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"ops\": [\"conv_9x9\"]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("ops")
        .hasMessageContaining("sep_conv_3x3");
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"blocks\": 0}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("blocks");
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"cells\": 3}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'cells'")
        .hasMessageContaining("cells_per_stack");
  }

  private final CellSpace progressive =
      new CellSpace(3, List.of("identity", "sep_conv_3x3", "max_pool_3x3"), 1, 8, 2, true, true);

  @Test
  void progressiveCellsHaveABlocksDecisionAndOneSharedCell() {
    assertThat(progressive.decisions().get(0)).isEqualTo(new Decision.IntRange("blocks", 1, 3));
    assertThat(progressive.decisions()).hasSize(1 + 3 * 4);
    assertThat(progressive.decisions().get(5)).isEqualTo(new Decision.InputChoice("cell_b1_in1", 3, List.of(0, 1, 2)));
    Architecture one = progressive.decode("cell:0,sep_conv_3x3,1,identity");
    assertThat(progressive.blocks(one)).isEqualTo(1);
    assertThat(progressive.normalCell(one)).containsExactly(new CellSpace.Block(0, "sep_conv_3x3", 1, "identity"));
    assertThat(progressive.reductionCell(one)).isEqualTo(progressive.normalCell(one));
    assertThat(progressive.encode(one)).isEqualTo("cell:0,sep_conv_3x3,1,identity");
    assertThat(progressive.toJson(one).path("decisions").fieldNames())
        .toIterable()
        .containsExactly("blocks", "cell_b0_in1", "cell_b0_op1", "cell_b0_in2", "cell_b0_op2");
    Architecture two = progressive.decode("cell:0,sep_conv_3x3,1,identity/2,max_pool_3x3,0,identity");
    assertThat(progressive.blocks(two)).isEqualTo(2);
    assertThat(progressive.grown(one)).contains(two);
    assertThat(progressive.neighbours(two)).contains(one);
  }

  @Test
  void progressiveSizeCountsEveryCellSize() {
    // 1 block: 2 inputs^2 x 3 ops^2 = 36; 2 blocks: x 3^2 x 9; 3 blocks: x 4^2 x 9
    assertThat(progressive.size()).isEqualTo(java.math.BigInteger.valueOf(36 + 36 * 81 + 36 * 81 * 144));
  }

  @Test
  void progressiveDecodeErrorsNameThePart() {
    assertThatThrownBy(() -> progressive.decode("cell:0,identity,1,identity/0,identity,1,identity/0,identity,1,identity/0,identity,1,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cell cell has 4 blocks")
        .hasMessageContaining("expected 1 to 3");
    assertThatThrownBy(() -> progressive.decode("cell:0,identity,1,identity/3,identity,1,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cell cell block 1")
        .hasMessageContaining("input 1 '3'")
        .hasMessageContaining("valid: 0, 1, 2");
    assertThatThrownBy(() -> progressive.decode("normal:0,identity,1,identity;reduce:0,identity,1,identity"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected 1: cell:<blocks>");
    assertThatThrownBy(() -> progressive.decode("cell:0,identity,1,conv_3x3"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("op 2 'conv_3x3'");
    // a non-canonical architecture (an inactive block holding a value) is not one of the space's
    Architecture junk = progressive.decode("cell:0,identity,1,identity").with(8, 1);
    assertThat(progressive.violation(junk)).get().asString().contains("cell_b1_op2 is inactive");
    var json = progressive.toJson(progressive.decode("cell:0,identity,1,identity"));
    json.remove("string");
    json.with("decisions").put("cell_b1_in1", "0");
    assertThatThrownBy(() -> progressive.fromJson(json))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'cell_b1_in1', which is inactive in a cell of 1 blocks");
  }

  @Test
  void sharedCellAndProgressiveParamsAreChecked() throws Exception {
    CellSpace p = (CellSpace) SearchSpaces.create("cell", Json.MAPPER.readTree("{\"blocks\": 2, \"progressive\": true}"));
    assertThat(p.progressive()).isTrue();
    assertThat(p.sharedCell()).isTrue();
    CellSpace shared = (CellSpace) SearchSpaces.create("cell", Json.MAPPER.readTree("{\"blocks\": 2, \"shared_cell\": true}"));
    assertThat(shared.progressive()).isFalse();
    assertThat(shared.decisions()).hasSize(8);
    assertThat(shared.encode(shared.sample(dev.jnas.util.Rng.of(1)))).startsWith("cell:").doesNotContain(";");
    CellSpace plain = (CellSpace) SearchSpaces.create("cell", null);
    assertThat(plain.sharedCell()).isFalse();
    assertThat(plain.progressive()).isFalse();
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"progressive\": true, \"shared_cell\": false}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'shared_cell'")
        .hasMessageContaining("progressive");
    assertThatThrownBy(() -> SearchSpaces.create("cell", Json.MAPPER.readTree("{\"progressive\": \"yes\"}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'progressive'");
  }
}
