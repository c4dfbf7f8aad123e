package dev.jnas.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.jnas.space.Architecture;
import dev.jnas.space.EnasRnnSpace;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.NasRlRnnSpace;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecurrentCellsTest {
  private static final int VOCAB = 23;
  private static final int E = 6;
  private static final int H = 8;

  /** Runs a language model on (B=3, T=5) random ids; returns the logits and the state. */
  private static NDList run(LanguageModelNetwork net, NDManager m, long seed) {
    ParameterStore store = new ParameterStore(m, false);
    SplittableRandom r = new SplittableRandom(seed);
    long[] ids = new long[15];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = r.nextInt(VOCAB);
    }
    NDList in = new NDList(m.create(ids, new Shape(3, 5)));
    return net.forward(store, in, false);
  }

  private static void checkSpace(SearchSpace space, int samples) {
    SplittableRandom rng = new SplittableRandom(7);
    for (int k = 0; k < samples; k++) {
      Architecture a = space.sample(rng);
      LanguageModelNetwork net = new LanguageModelNetwork(RecurrentCells.create(space, a, E, H), VOCAB, false, 0.0);
      try (Model model = Model.newInstance("t")) {
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1));
        NDList out = run(net, model.getNDManager(), k);
        assertThat(out.head().getShape()).isEqualTo(new Shape(15, VOCAB));
        assertThat(out.size()).isEqualTo(1 + net.cell().stateArrays());
        assertThat(out.get(1).getShape()).isEqualTo(new Shape(3, H));
        assertThat(out.head().isInfinite().any().getBoolean()).isFalse();
        assertThat(out.head().isNaN().any().getBoolean()).isFalse();
        long cell = RecurrentCells.cellParameters(space, a, E, H);
        assertThat(net.parameterCount()).as(space.encode(a)).isEqualTo(RecurrentCells.modelParameters(cell, VOCAB, E, H, false));
      }
    }
  }

  @Test
  void everySampledEnasCellBuildsRunsAndCountsItsParameters() {
    checkSpace(new EnasRnnSpace(5), 8);
  }

  @Test
  void everySampledNasRlCellBuildsRunsAndCountsItsParameters() {
    checkSpace(new NasRlRnnSpace(4), 8);
    checkSpace(new NasRlRnnSpace(8), 2);
  }

  @Test
  void theLstmBaselineRunsAndCountsAsPyTorchDoes() {
    LanguageModelNetwork net = new LanguageModelNetwork(new LstmCell(H, H), VOCAB, true, 0.0);
    try (Model model = Model.newInstance("t")) {
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1));
      NDList out = run(net, model.getNDManager(), 3);
      assertThat(out.head().getShape()).isEqualTo(new Shape(15, VOCAB));
      assertThat(out.get(2).getShape()).isEqualTo(new Shape(3, H));
      // tied: embedding once, decoder bias, the LSTM's 4H(E+H) + 8H
      assertThat(net.parameterCount()).isEqualTo((long) VOCAB * H + VOCAB + LstmCell.parameterCount(H, H));
    }
  }

  @Test
  void theLstmOfEqualSizeIsTheNearestCount() {
    long target = RecurrentCells.modelParameters(RecurrentCells.cellParameters(new EnasRnnSpace(8),
        new EnasRnnSpace(8).sample(new SplittableRandom(1)), 64, 64), 1000, 64, 64, false);
    int h = RecurrentCells.lstmOfEqualSize(target, 1000, false);
    long at = RecurrentCells.modelParameters(LstmCell.parameterCount(h, h), 1000, h, h, false);
    long below = RecurrentCells.modelParameters(LstmCell.parameterCount(h - 1, h - 1), 1000, h - 1, h - 1, false);
    long above = RecurrentCells.modelParameters(LstmCell.parameterCount(h + 1, h + 1), 1000, h + 1, h + 1, false);
    assertThat(Math.abs(at - target)).isLessThanOrEqualTo(Math.abs(below - target)).isLessThanOrEqualTo(Math.abs(above - target));
  }

  /** The supernet on a path computes exactly the stand-alone cell given the supernet's weights of that path. */
  @Test
  void theEnasSupernetOnAPathIsTheStandAloneCell() {
    EnasRnnSpace space = new EnasRnnSpace(6);
    SplittableRandom rng = new SplittableRandom(3);
    EnasRnnCell superCell = new EnasRnnCell(space, E, H, null);
    LanguageModelNetwork supernet = new LanguageModelNetwork(superCell, VOCAB, false, 0.0);
    try (Model sm = Model.newInstance("s")) {
      sm.setBlock(supernet);
      supernet.initialize(sm.getNDManager(), DataType.FLOAT32, new Shape(1, 1));
      Map<String, NDArray> weights = new HashMap<>();
      supernet.getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
      for (int k = 0; k < 4; k++) {
        Architecture a = space.sample(rng);
        superCell.use(a);
        float[] expected = run(supernet, sm.getNDManager(), 11).head().toFloatArray();
        LanguageModelNetwork alone = new LanguageModelNetwork(new EnasRnnCell(space, E, H, a), VOCAB, false, 0.0);
        try (Model am = Model.newInstance("a")) {
          am.setBlock(alone);
          alone.initialize(am.getNDManager(), DataType.FLOAT32, new Shape(1, 1));
          alone.getParameters().forEach(p -> {
            assertThat(weights).containsKey(p.getKey());
            p.getValue().getArray().set(weights.get(p.getKey()).toFloatArray());
          });
          assertThat(alone.getParameters().size()).isEqualTo(space.nodes() + 4);
          float[] got = run(alone, am.getNDManager(), 11).head().toFloatArray();
          assertThat(got).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
    }
  }

  @Test
  void aSpaceWithoutRecurrentCellsIsRefusedByName() {
    assertThat(RecurrentCells.isRecurrent(new NasBench201Space())).isFalse();
    assertThatThrownBy(() -> RecurrentCells.create(new NasBench201Space(), null, E, H))
        .isInstanceOf(BadInputException.class).hasMessageContaining("nasbench201").hasMessageContaining("enas-rnn");
  }
}
