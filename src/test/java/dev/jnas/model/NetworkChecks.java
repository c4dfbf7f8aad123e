package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.jnas.space.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds a network, runs it in both modes and takes one SGD step; shared by the builder tests. */
final class NetworkChecks {
  static final Shape MNIST = new Shape(1, 28, 28);
  static final Shape CIFAR = new Shape(3, 32, 32);

  private NetworkChecks() {}

  static void forwardAndStep(ModelBuilder builder, Architecture arch, Shape example, int classes) {
    Shape batch = new Shape(2).addAll(example);
    try (Model model = Model.newInstance("check")) {
      model.setBlock(builder.build(arch, example, classes));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
      try (Trainer trainer = model.newTrainer(config);
          NDManager manager = trainer.getManager().newSubManager()) {
        trainer.initialize(batch);
        NDArray x = manager.create(randomFloats(batch.size(), 7), batch);
        NDArray labels = manager.create(new float[] {0, classes - 1});

        ParameterStore inference = new ParameterStore(manager, false);
        NDArray eval = model.getBlock().forward(inference, new NDList(x), false).singletonOrThrow();
        assertFiniteLogits(eval, classes);

        List<float[]> before = parameterValues(model);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
          assertFiniteLogits(logits, classes);
          NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
          assertThat(Float.isFinite(loss.getFloat())).isTrue();
          collector.backward(loss);
        }
        trainer.step();
        List<float[]> after = parameterValues(model);
        boolean changed = false;
        for (int i = 0; i < before.size(); i++) {
          changed |= !java.util.Arrays.equals(before.get(i), after.get(i));
        }
        assertThat(changed).as("some parameter moved after one SGD step").isTrue();
      }
    }
  }

  private static void assertFiniteLogits(NDArray logits, int classes) {
    assertThat(logits.getShape()).isEqualTo(new Shape(2, classes));
    for (float v : logits.toFloatArray()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  private static List<float[]> parameterValues(Model model) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /**
   * The network gives the same training-mode logits and parameter gradients whether its input is
   * channels-last (as {@code HostBatch.images} gives it on the CPU) or contiguous NCHW: the
   * layout changes the kernels, never the numbers.
   */
  static void sameInBothLayouts(ModelBuilder builder, Architecture arch, Shape example, int classes) {
    int n = 4;
    int c = (int) example.get(0);
    int h = (int) example.get(1);
    int w = (int) example.get(2);
    Shape batch = new Shape(n).addAll(example);
    float[] nchw = randomFloats(batch.size(), 11);
    float[] nhwc = new float[nchw.length];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            nhwc[((i * h + y) * w + x) * c + ch] = nchw[((i * c + ch) * h + y) * w + x];
          }
        }
      }
    }
    try (Model model = Model.newInstance("layouts")) {
      ai.djl.nn.Block block = builder.build(arch, example, classes);
      model.setBlock(block);
      block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, batch);
      List<List<float[]>> results = new ArrayList<>();
      for (int layout = 0; layout < 2; layout++) {
        try (NDManager m = model.getNDManager().newSubManager();
            GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          NDArray x = layout == 0 ? m.create(nchw, batch) : m.create(nhwc, new Shape(n, h, w, c)).transpose(0, 3, 1, 2);
          assertThat(x.toFloatArray()).as("same values in both layouts").containsExactly(nchw);
          NDArray logits = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
          collector.backward(logits.mul(logits).sum());
          List<float[]> r = new ArrayList<>();
          r.add(logits.toFloatArray());
          for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (p.getValue().requiresGradient()) {
              NDArray g = a.getGradient();
              r.add(g.toFloatArray());
              g.subi(g); // start the other layout from zero gradients
            }
          }
          results.add(r);
        }
      }
      assertThat(results.get(1)).hasSameSizeAs(results.get(0));
      // float sums in another order: compare within 2e-4 of each array's largest value, or of a
      // hundredth of the largest gradient anywhere (some gradients are ~0 up to rounding)
      float largest = 0;
      for (int k = 1; k < results.get(0).size(); k++) {
        largest = Math.max(largest, maxAbs(results.get(0).get(k)));
      }
      for (int k = 0; k < results.get(0).size(); k++) {
        float[] a = results.get(0).get(k);
        float[] b = results.get(1).get(k);
        float scale = Math.max(maxAbs(a), k == 0 ? 1e-3f : largest / 100);
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i]).as(k == 0 ? "logit %d" : "gradient %d of parameter array %d", i, k)
              .isCloseTo(a[i], org.assertj.core.data.Offset.offset(2e-4f * scale));
        }
      }
    }
  }

  private static float maxAbs(float[] values) {
    float m = 0;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  static float[] randomFloats(long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[Math.toIntExact(n)];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }
}
