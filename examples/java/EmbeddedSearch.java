// An embedded architecture search with your own evaluator: jnas proposes NAS-Bench-201 cells
// (regularized evolution), and this program trains each one its own way with DJL's Trainer on its
// own data, then tells jnas the validation accuracy. The experiment is stored in a folder and
// continues where it stopped when the program is run again after a crash.
//
// Run it (after ./jnas has built target/jnas.jar once):
//   java -Dai.djl.offline=true -cp target/jnas.jar examples/java/EmbeddedSearch.java [folder]

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.jnas.api.Experiment;
import dev.jnas.api.Trial;
import dev.jnas.evaluate.Evaluator;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

public class EmbeddedSearch {
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args.length > 0 ? args[0] : "experiments/embedded-search");
    Map<String, Object> skeleton = Map.of("cells_per_stage", 1, "channels", 4);
    SearchSpace space = SearchSpaces.create("nasbench201", dev.jnas.util.Json.MAPPER.valueToTree(skeleton));

    try (Experiment experiment =
        Experiment.builder()
            .name("embedded-search")
            .folder(folder)
            .seed(7)
            .space("nasbench201", skeleton)
            .strategy("evolution", Map.of("population", 4, "sample", 2))
            .evaluator(new MyEvaluator(ModelBuilders.forSpace(space)))
            .maxTrials(6)
            .open()) { // creates the experiment, or continues it after a crash
      experiment.run();
      for (Trial t : experiment.trials()) {
        System.out.printf("trial %d %-8s %s%n", t.id(), t.reward().map(r -> String.format("%.3f", r)).orElse(t.status().name()), t.string());
      }
      Trial best = experiment.best().orElseThrow();
      System.out.printf("best: %s (validation accuracy %.3f)%n", best.string(), best.reward().orElseThrow());
    }
  }

  /** Trains each proposed network for one epoch with DJL's Trainer on this program's own data. */
  static final class MyEvaluator implements Evaluator {
    private static final Shape IMAGE = new Shape(1, 8, 8);
    private final ModelBuilder builder;

    MyEvaluator(ModelBuilder builder) {
      this.builder = builder;
    }

    @Override
    public TrialResult evaluate(Architecture arch, TrialContext context) {
      long t0 = System.nanoTime();
      Engine.getInstance().setRandomSeed((int) context.seed()); // the trial's own seed
      try (NDManager data = NDManager.newBaseManager();
          Model model = Model.newInstance("trial-" + context.trialId())) {
        model.setBlock(builder.build(arch, IMAGE, 2));
        ArrayDataset train = dataset(data, 512, context.seed());
        ArrayDataset val = dataset(data, 256, 12345); // the same validation images for every trial
        DefaultTrainingConfig config =
            new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(1, 1, 8, 8));
          EasyTrain.fit(trainer, 1, train, null);
          double accuracy = accuracy(trainer, val);
          return new TrialResult(TrialStatus.COMPLETE, List.of(), accuracy, Double.NaN, accuracy, 0, 0,
              (System.nanoTime() - t0) / 1e9, null);
        }
      } catch (Exception e) {
        return TrialResult.failed(e.toString(), (System.nanoTime() - t0) / 1e9);
      }
    }

    /** Two classes: is the bright bar in the top or the bottom half of the image? */
    private static ArrayDataset dataset(NDManager m, int n, long seed) {
      Random rng = new Random(seed);
      float[] x = new float[n * 64];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        int label = rng.nextInt(2);
        int row = label == 0 ? rng.nextInt(4) : 4 + rng.nextInt(4);
        for (int p = 0; p < 64; p++) {
          x[i * 64 + p] = (float) rng.nextGaussian() * 0.8f + (p / 8 == row ? 0.6f : 0f);
        }
        y[i] = label;
      }
      return new ArrayDataset.Builder()
          .setData(m.create(x, new Shape(n, 1, 8, 8)))
          .optLabels(m.create(y, new Shape(n)))
          .setSampling(64, true)
          .build();
    }

    private static double accuracy(Trainer trainer, ArrayDataset val) throws Exception {
      long correct = 0;
      long seen = 0;
      for (Batch b : trainer.iterateDataset(val)) {
        try (b) {
          NDArray logits = trainer.evaluate(b.getData()).singletonOrThrow();
          NDArray predicted = logits.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
          correct += predicted.eq(b.getLabels().singletonOrThrow()).sum().getLong();
          seen += b.getSize();
        }
      }
      return (double) correct / seen;
    }
  }
}
