package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.jnas.space.Architecture;
import dev.jnas.space.CellSpace;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CellSupernetTest {
  // two blocks, every op kind the builder has for the reduction edges (identity: FactorizedReduce)
  private final CellSpace space =
      new CellSpace(3, List.of("identity", "avg_pool_3x3", "sep_conv_3x3", "conv_1x1", "max_pool_3x3"), 1, 4, 2);

  @Test
  void subNetworksComputeWhatTheStandaloneNetworksCompute() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    List<Architecture> archs = new ArrayList<>();
    // in1 == in2 with two ops; the same (input, op) twice; unused blocks concatenated
    archs.add(space.decode(
        "normal:0,sep_conv_3x3,0,avg_pool_3x3/1,identity,1,identity/0,conv_1x1,1,max_pool_3x3;"
            + "reduce:0,identity,0,identity/1,sep_conv_3x3,0,conv_1x1/2,avg_pool_3x3,3,identity"));
    // a chain: only the last block is unused; the same parametric op twice on one input
    archs.add(space.decode(
        "normal:1,conv_1x1,1,conv_1x1/2,sep_conv_3x3,0,identity/3,max_pool_3x3,2,avg_pool_3x3;"
            + "reduce:1,sep_conv_3x3,1,sep_conv_3x3/2,identity,2,conv_1x1/3,identity,1,max_pool_3x3"));
    Rng rng = Rng.of(3);
    for (int i = 0; i < 3; i++) {
      archs.add(space.sample(rng));
    }
    SupernetChecks.assertSubNetworksMatchStandalone(net, archs);
  }

  @Test
  void mixingWeightsRunEveryCandidateButNone() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    try (Model m = Model.newInstance("supernet");
        NDManager sub = m.getNDManager().newSubManager()) {
      SupernetChecks.initialize(net, m.getNDManager());
      NDArray[] w = new NDArray[net.labels().size()];
      for (int l = 0; l < w.length; l++) {
        w[l] = sub.ones(new Shape(space.ops().size() + 1)).div(space.ops().size() + 1);
      }
      net.useWeights(w);
      net.beginPass(false);
      NDArray out =
          net.block().forward(new ParameterStore(sub, false), new NDList(sub.randomNormal(new Shape(2, 1, 8, 8))), true)
              .singletonOrThrow();
      assertThat(out.getShape()).isEqualTo(new Shape(2, 10));
      for (boolean[] used : net.used()) {
        assertThat(used[0]).isFalse();
        for (int k = 1; k < used.length; k++) {
          assertThat(used[k]).isTrue();
        }
      }
    }
  }

  @Test
  void aSubNetworkTrainsOnlyItsUnusedBlocksChannelsOfTheProjection() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    // normal cell: block 0 feeds block 1; blocks 1 and 2 are concatenated
    Architecture a = space.decode(
        "normal:0,sep_conv_3x3,1,conv_1x1/2,avg_pool_3x3,0,identity/1,max_pool_3x3,0,conv_1x1;"
            + "reduce:0,identity,1,identity/1,sep_conv_3x3,0,conv_1x1/2,avg_pool_3x3,3,identity");
    try (Model m = Model.newInstance("supernet");
        NDManager sub = m.getNDManager().newSubManager()) {
      SupernetChecks.initialize(net, m.getNDManager());
      net.useArchitecture(a);
      net.beginPass(false);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out =
            net.block().forward(new ParameterStore(sub, false), new NDList(sub.randomNormal(new Shape(2, 1, 8, 8))), true)
                .singletonOrThrow();
        gc.backward(out.sum());
      }
      Parameter project =
          net.block().getParameters().stream()
              .filter(p -> p.getKey().contains("normal_0_0") && p.getKey().contains("project"))
              .findFirst().orElseThrow().getValue();
      NDArray grad = project.getArray().getGradient().abs();
      int f = space.filters();
      assertThat(grad.getShape()).isEqualTo(new Shape(f, 3L * f, 1, 1));
      assertThat(grad.get(":, 0:" + f).sum().getFloat()).isZero();
      assertThat(grad.get(":, " + f + ":" + 2 * f).min().getFloat()).isPositive();
      assertThat(grad.get(":, " + 2 * f + ":").min().getFloat()).isPositive();
    }
  }

  @Test
  void labelsAreTheEdgesIntoEveryBlockWithNoneAndTheOps() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    // per cell: 2 + 3 + 4 edges
    assertThat(net.labels()).hasSize(18);
    assertThat(net.labels().get(net.label(0, 2, 1)).name()).isEqualTo("normal_b2_from_1");
    assertThat(net.labels().get(net.label(1, 0, 0)).name()).isEqualTo("reduce_b0_from_0");
    assertThat(net.labels().get(17).name()).isEqualTo("reduce_b2_from_3");
    List<String> options = new ArrayList<>(List.of("none"));
    options.addAll(space.ops());
    assertThat(net.labels().get(5).options()).isEqualTo(options);
    // one normal cell and one reduction cell per stack after the first: 3 cells of 9 edges
    assertThat(net.mixedOps()).hasSize(27);
    assertThat(Supernets.create(space, new Shape(1, 8, 8), 10)).isInstanceOf(CellSupernet.class);
  }

  @Test
  void activeForMarksBothSlotsOfEveryBlock() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    Architecture a = space.decode(
        "normal:0,sep_conv_3x3,0,avg_pool_3x3/1,identity,1,identity/0,conv_1x1,3,max_pool_3x3;"
            + "reduce:0,identity,1,identity/1,sep_conv_3x3,0,conv_1x1/2,avg_pool_3x3,3,identity");
    boolean[][] active = net.activeFor(a);
    int sep = 1 + space.ops().indexOf("sep_conv_3x3");
    int avg = 1 + space.ops().indexOf("avg_pool_3x3");
    assertThat(active[net.label(0, 0, 0)]).containsExactly(false, false, true, true, false, false);
    assertThat(active[net.label(0, 0, 1)]).containsOnly(false);
    assertThat(active[net.label(0, 1, 1)][1]).isTrue();
    assertThat(active[net.label(1, 2, 2)][avg]).isTrue();
    assertThat(active[net.label(1, 1, 1)][sep]).isTrue();
    int on = 0;
    for (boolean[] row : active) {
      for (boolean x : row) {
        on += x ? 1 : 0;
      }
    }
    assertThat(on).isEqualTo(11); // 12 slots, one block with the same (input, op) twice
  }

  @Test
  void fromChoicesKeepsTheEdgesThatChoseAnOp() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    Rng rng = Rng.of(9);
    for (int i = 0; i < 20; i++) {
      Architecture a = inputsAscending(space.sample(rng));
      boolean[][] active = net.activeFor(a);
      int[] choices = new int[active.length];
      for (int l = 0; l < active.length; l++) {
        for (int k = 0; k < active[l].length; k++) {
          choices[l] = active[l][k] ? k : choices[l];
        }
      }
      assertThat(net.fromChoices(choices)).as(space.encode(a)).isEqualTo(a);
    }
    // a block whose edges all chose none: the first two inputs, with the first op
    Architecture none = net.fromChoices(new int[net.labels().size()]);
    assertThat(space.encode(none)).startsWith("normal:0,identity,1,identity/0,identity,1,identity/");
  }

  @Test
  void deriveKeepsTheTwoStrongestEdgesIgnoringNone() {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    List<float[]> p = new ArrayList<>();
    for (int l = 0; l < net.labels().size(); l++) {
      p.add(new float[] {0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f});
    }
    // normal block 2: the edge from 3 is mostly none, which does not count: its best op (0.1) loses
    p.set(net.label(0, 2, 3), new float[] {0.9f, 0, 0, 0, 0.1f, 0});
    p.set(net.label(0, 2, 1), new float[] {0.2f, 0, 0.3f, 0, 0.5f, 0});
    p.set(net.label(0, 2, 0), new float[] {0, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
    Architecture a = net.derive(p);
    assertThat(space.isValid(a)).isTrue();
    CellSpace.Block b2 = space.normalCell(a).get(2);
    assertThat(b2).isEqualTo(new CellSpace.Block(1, "conv_1x1", 0, "identity"));
  }

  @Property(tries = 50)
  void deriveAlwaysYieldsAValidArchitecture(@ForAll @LongRange(min = 0, max = 1 << 30) long seed) {
    CellSupernet net = new CellSupernet(space, new Shape(1, 8, 8), 10);
    Rng rng = Rng.of(seed);
    List<float[]> p = new ArrayList<>();
    for (Supernet.Label l : net.labels()) {
      float[] row = new float[l.options().size()];
      for (int k = 0; k < row.length; k++) {
        // ties are common: a few levels only
        row[k] = rng.nextInt(3) / 2f;
      }
      p.add(row);
    }
    Architecture a = net.derive(p);
    assertThat(space.violation(a)).isEmpty();
    for (int cell = 0; cell < 2; cell++) {
      for (CellSpace.Block b : cell == 0 ? space.normalCell(a) : space.reductionCell(a)) {
        assertThat(b.input1()).isNotEqualTo(b.input2());
      }
    }
  }

  /** {@code a} with each block's inputs swapped where in1 > in2 (fromChoices lists them in order). */
  private Architecture inputsAscending(Architecture a) {
    int[] c = a.choices();
    for (int o = 0; o < c.length; o += 4) {
      if (c[o] == c[o + 2]) {
        c[o + 2] = c[o] == 0 ? 1 : 0;
      }
      if (c[o] > c[o + 2]) {
        int in = c[o];
        int op = c[o + 1];
        c[o] = c[o + 2];
        c[o + 1] = c[o + 3];
        c[o + 2] = in;
        c[o + 3] = op;
      }
    }
    return new Architecture(a.space(), c);
  }
}
