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

  static float[] randomFloats(long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[Math.toIntExact(n)];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }
}
