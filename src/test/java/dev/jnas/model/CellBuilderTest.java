package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.util.Rng;
import org.junit.jupiter.api.Test;

class CellBuilderTest {
  private final CellSpace enas = new CellSpace(2, CellSpace.ENAS_OPS, 1, 4, 3);
  private final CellSpace pnas = new CellSpace(2, CellSpace.PNAS_OPS, 1, 4, 2);
  private final CellSpace every = new CellSpace(2, CellSpace.KNOWN_OPS, 1, 4, 2);

  @Test
  void sampledEnasCellsTrain() {
    Rng rng = Rng.of(3);
    for (int i = 0; i < 2; i++) {
      NetworkChecks.forwardAndStep(
          new CellBuilder(enas), enas.sample(rng), i == 0 ? NetworkChecks.MNIST : NetworkChecks.CIFAR, 10);
    }
  }

  @Test
  void sampledPnasCellsTrain() {
    Rng rng = Rng.of(4);
    for (int i = 0; i < 2; i++) {
      NetworkChecks.forwardAndStep(
          new CellBuilder(pnas), pnas.sample(rng), i == 0 ? NetworkChecks.CIFAR : NetworkChecks.MNIST, 10);
    }
  }

  @Test
  void channelsLastAndNchwInputsGiveTheSameResults() {
    String cell = "0,sep_conv_3x3,1,max_pool_3x3/2,avg_pool_3x3,1,conv_3x3";
    Architecture a = every.decode("normal:" + cell + ";reduce:" + cell);
    NetworkChecks.sameInBothLayouts(new CellBuilder(every), a, new Shape(3, 11, 11), 10);
  }

  @Test
  void everyOpWorksOnCellInputsInBothCellKinds() {
    // Each op is applied to both cell inputs, so reduction cells run each one with stride 2;
    // small inputs keep this quick, and odd sizes (5x5, 7x7) exercise the ceil(H/2) outputs.
    for (String op : CellSpace.KNOWN_OPS) {
      String block = "0," + op + ",1," + op;
      String cell = block + "/2," + op + ",0," + op;
      Architecture a = every.decode("normal:" + cell + ";reduce:" + cell);
      NetworkChecks.forwardAndStep(new CellBuilder(every), a, new Shape(1, 9, 9), 3);
    }
    Architecture a = every.decode("normal:0,identity,1,identity/0,identity,2,identity;reduce:0,identity,1,identity/0,identity,2,identity");
    NetworkChecks.forwardAndStep(new CellBuilder(every), a, new Shape(2, 7, 7), 3);
  }

  @Test
  void flopsGrowWithHeavierOpsAndMoreCells() {
    Shape in = new Shape(3, 16, 16);
    Architecture light = every.decode("normal:0,identity,1,identity/0,identity,2,identity;reduce:0,max_pool_3x3,1,max_pool_3x3/0,max_pool_3x3,2,identity");
    Architecture heavy = every.decode("normal:0,sep_conv_5x5,1,conv_3x3/0,identity,2,identity;reduce:0,max_pool_3x3,1,max_pool_3x3/0,max_pool_3x3,2,identity");
    CellBuilder b = new CellBuilder(every);
    assertThat(b.flops(light, in, 10)).isPositive();
    assertThat(b.flops(heavy, in, 10)).isGreaterThan(b.flops(light, in, 10));
    CellBuilder deeper = new CellBuilder(new CellSpace(2, CellSpace.KNOWN_OPS, 2, 4, 2));
    assertThat(deeper.flops(light, in, 10)).isGreaterThan(b.flops(light, in, 10));
  }

  @Test
  void flopsOfOneStackAreCountedExactly() {
    // One stack of one normal cell, 1 block "0,identity,1,identity", F=2, 1x4x4 input, 3 classes:
    // stem 9*1*2*16; pre0, pre1 1x1 2->2 over 16 px each; combine 1x1 2->2; linear 2*3.
    CellSpace tiny = new CellSpace(1, CellSpace.ENAS_OPS, 1, 2, 1);
    Architecture a = tiny.decode("normal:0,identity,1,identity;reduce:0,identity,1,identity");
    assertThat(new CellBuilder(tiny).flops(a, new Shape(1, 4, 4), 3))
        .isEqualTo(9L * 2 * 16 + 2 * (2L * 2 * 16) + 2L * 2 * 16 + 2 * 3);
  }

  @Test
  void progressiveCellsOfEverySizeBuildAndTrain() {
    CellSpace progressive = new CellSpace(3, CellSpace.PNAS_OPS, 1, 4, 2, true, true);
    CellBuilder b = new CellBuilder(progressive);
    long previous = 0;
    for (String cell : java.util.List.of(
        "cell:0,sep_conv_3x3,1,max_pool_3x3",
        "cell:0,sep_conv_3x3,1,max_pool_3x3/2,conv_1x7_7x1,0,identity",
        "cell:0,sep_conv_3x3,1,max_pool_3x3/2,conv_1x7_7x1,0,identity/3,dil_conv_3x3,2,avg_pool_3x3")) {
      Architecture a = progressive.decode(cell);
      NetworkChecks.forwardAndStep(b, a, new Shape(1, 9, 9), 3);
      long flops = b.flops(a, new Shape(1, 9, 9), 3);
      assertThat(flops).as(cell).isGreaterThan(previous); // each block adds ops: the cells really differ in size
      previous = flops;
    }
  }

  @Test
  void aSharedCellBuildsTheSameNetworkAsEqualNormalAndReductionCells() {
    CellSpace shared = new CellSpace(2, CellSpace.ENAS_OPS, 1, 4, 2, true, false);
    String cell = "0,sep_conv_3x3,1,max_pool_3x3/2,avg_pool_3x3,0,identity";
    Architecture s = shared.decode("cell:" + cell);
    Architecture e = enas.decode("normal:" + cell + ";reduce:" + cell);
    CellSpace twoStacks = new CellSpace(2, CellSpace.ENAS_OPS, 1, 4, 2);
    Shape in = new Shape(1, 9, 9);
    assertThat(new CellBuilder(shared).flops(s, in, 3)).isEqualTo(new CellBuilder(twoStacks).flops(e, in, 3));
    NetworkChecks.forwardAndStep(new CellBuilder(shared), s, in, 3);
  }

  @Test
  void oneShotSearchRefusesASharedCell() {
    CellSpace shared = new CellSpace(2, CellSpace.ENAS_OPS, 1, 4, 2, true, false);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Supernets.create(shared, new Shape(1, 9, 9), 3))
        .isInstanceOf(dev.jnas.util.BadInputException.class)
        .hasMessageContaining("shared_cell");
  }
}
