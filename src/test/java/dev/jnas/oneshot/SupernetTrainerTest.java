package dev.jnas.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.model.MixedOp;
import dev.jnas.model.NasBench201Supernet;
import dev.jnas.space.Architecture;
import dev.jnas.space.NasBench201Space;
import dev.jnas.train.TrainingSettings;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupernetTrainerTest {
  private final NasBench201Space space = new NasBench201Space(1, 4);
  // momentum and weight decay both on: each alone would move a parameter whose gradient reads as zero
  private final TrainingSettings settings =
      TrainingSettings.DEFAULTS.withLearningRate(0.1).withBatchSize(16).withNesterov(true);

  @Test
  void candidatesAStepDidNotUseKeepTheirWeightsAndMomentumExactly() {
    NasBench201Supernet net = new NasBench201Supernet(space, new Shape(1, 8, 8), 10);
    ImageDataset data = ImageDataset.synthetic(64, 1, 8, 8, 10, 3);
    BatchLoader loader = new BatchLoader(data, 16, true, false, 1);
    ai.djl.engine.Engine.getInstance(); // loads libtorch before the grad-mode calls
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (SupernetTrainer trainer = new SupernetTrainer(net, settings, 7, 10);
        OneShotSearch.Endless batches = new OneShotSearch.Endless(loader, 0)) {
      Architecture convs = space.decode("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
      Architecture ones = space.decode("|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|");
      step(trainer, net, convs, batches.next()); // the 3x3 candidates now have momentum
      Map<Parameter, float[]> before = values(net);
      Map<String, float[]> momentumBefore = momentum(trainer);
      step(trainer, net, ones, batches.next());
      Map<Parameter, float[]> after = values(net);
      Map<String, float[]> momentumAfter = momentum(trainer);
      int unused = 0;
      int used = 0;
      for (MixedOp op : net.mixedOps()) {
        for (MixedOp.Candidate c : op.candidates()) {
          if (c.block() == null) {
            continue;
          }
          for (var p : c.block().getParameters()) {
            boolean isUsed = c.name().equals("nor_conv_1x1");
            if (isUsed && p.getValue().requiresGradient()) {
              assertThat(after.get(p.getValue())).as("used %s", p.getKey()).isNotEqualTo(before.get(p.getValue()));
              used++;
            } else if (!isUsed) {
              // weights and batch-norm statistics alike: bit for bit
              assertThat(after.get(p.getValue())).as("unused %s", p.getKey()).isEqualTo(before.get(p.getValue()));
              unused++;
            }
          }
        }
      }
      assertThat(used).isPositive();
      assertThat(unused).isPositive();
      // the 3x3 candidates' momentum buffers were left alone, the 1x1 ones' created
      momentumBefore.forEach((name, v) -> {
        if (name.contains("nor_conv_3x3")) {
          assertThat(momentumAfter.get(name)).as(name).isEqualTo(v);
        }
      });
      assertThat(momentumAfter.keySet()).anyMatch(n -> n.contains("nor_conv_1x1"));
      assertThat(momentumBefore.keySet()).noneMatch(n -> n.contains("nor_conv_1x1"));
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  @Test
  void aCellsProjectionChangesOnlyInTheChannelsThePassRead() {
    dev.jnas.space.CellSpace cells = new dev.jnas.space.CellSpace(2, dev.jnas.space.CellSpace.ENAS_OPS, 1, 4, 2);
    dev.jnas.model.CellSupernet net = new dev.jnas.model.CellSupernet(cells, new Shape(1, 8, 8), 10);
    ImageDataset data = ImageDataset.synthetic(64, 1, 8, 8, 10, 3);
    BatchLoader loader = new BatchLoader(data, 16, true, false, 1);
    ai.djl.engine.Engine.getInstance();
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (SupernetTrainer trainer = new SupernetTrainer(net, settings, 7, 10);
        OneShotSearch.Endless batches = new OneShotSearch.Endless(loader, 0)) {
      // block 1 reads block 0: only block 1 is projected; then both blocks read the cell inputs
      Architecture chain = cells.decode(
          "normal:0,sep_conv_3x3,1,avg_pool_3x3/2,identity,0,max_pool_3x3;reduce:0,identity,1,sep_conv_3x3/2,avg_pool_3x3,1,identity");
      Architecture both = cells.decode(
          "normal:0,sep_conv_3x3,1,avg_pool_3x3/1,identity,0,max_pool_3x3;reduce:0,identity,1,sep_conv_3x3/0,avg_pool_3x3,1,identity");
      step(trainer, net, both, batches.next()); // every projection channel has momentum now
      Map<Parameter, float[]> before = values(net);
      Map<String, float[]> momentumBefore = momentum(trainer);
      step(trainer, net, chain, batches.next());
      assertThat(net.partiallyUsed()).isNotEmpty();
      Map<String, float[]> momentumAfter = momentum(trainer);
      for (var e : net.partiallyUsed().entrySet()) {
        Parameter p = e.getKey();
        boolean[] read = e.getValue();
        float[] b = before.get(p);
        float[] a = p.getArray().toFloatArray();
        long[] shape = p.getArray().getShape().getShape(); // (out, in, 1, 1)
        int in = (int) shape[1];
        boolean changed = false;
        for (int i = 0; i < a.length; i++) {
          int channel = (i / (int) (shape[2] * shape[3])) % in;
          if (!read[channel]) {
            assertThat(a[i]).as("unread channel %d", channel).isEqualTo(b[i]);
          } else {
            changed |= a[i] != b[i];
          }
        }
        assertThat(changed).isTrue();
        String name = trainer.sgd().names().get(trainer.sgd().parameters().indexOf(p));
        float[] mb = momentumBefore.get(name);
        float[] ma = momentumAfter.get(name);
        for (int i = 0; i < ma.length; i++) {
          if (!read[(i / (int) (shape[2] * shape[3])) % in]) {
            assertThat(ma[i]).isEqualTo(mb[i]);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private static void step(SupernetTrainer trainer, dev.jnas.model.Supernet net, Architecture arch, BatchLoader.HostBatch b) {
    try (NDManager step = trainer.manager().newSubManager()) {
      net.useArchitecture(arch);
      trainer.forwardBackward(b, step, false);
      trainer.updateWeights(step);
    }
  }

  private static Map<Parameter, float[]> values(dev.jnas.model.Supernet net) {
    Map<Parameter, float[]> m = new IdentityHashMap<>();
    for (var p : net.block().getParameters()) {
      m.put(p.getValue(), p.getValue().getArray().toFloatArray());
    }
    return m;
  }

  private static Map<String, float[]> momentum(SupernetTrainer trainer) {
    Map<String, float[]> m = new HashMap<>();
    for (Map.Entry<String, NDArray> e : trainer.sgd().state().entrySet()) {
      m.put(e.getKey(), e.getValue().toFloatArray());
    }
    return m;
  }
}
