package dev.jnas.morph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.model.GraphNetwork;
import dev.jnas.space.LayerGraph;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingEvaluator.BlockRun;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What inheritance buys, measured on real data: a parent network is trained, each morphism is
 * applied to it, and every child is scored before training (an exact morphism keeps the parent's
 * accuracy; an approximate one loses some), after a short fine-tuning from the inherited weights,
 * and after the same training from scratch. The parent trained on for the same epochs is the
 * control.
 */
public final class MorphismBenchmark {
  /** The parent: two stages of two 3x3 convolutions and a third stage of one. */
  public static final String PARENT =
      "c1=conv3x3(16)<input; c2=conv3x3(16)<c1; p1=pool<c2; c3=conv3x3(32)<p1; c4=conv3x3(32)<c3; p2=pool<c4;"
          + " c5=conv3x3(64)<p2";

  /** The morphisms measured, one of each kind, on the parent's middle stage. */
  static final List<Morphism> MORPHISMS =
      List.of(
          new Morphism.Deepen("c3", 3),
          new Morphism.Widen("c4", 48, 1),
          new Morphism.Skip("p1", "c4", 3, 2),
          new Morphism.Shrink("c3", 16),
          new Morphism.Remove("c4"));

  private MorphismBenchmark() {}

  /**
   * One row: validation accuracies of a child (or of the parent trained on: morphism null).
   *
   * @param inherited before any training of the child, with the inherited weights
   * @param fineTuned after {@code fineTune} epochs from the inherited weights
   * @param scratch after the same epochs from a random initialization
   */
  public record Row(Morphism morphism, LayerGraph graph, long params, double inherited, double fineTuned, double scratch) {}

  /**
   * The parent's accuracy after its training, and one row per morphism (the control first).
   *
   * @param parentAccuracy after {@code epochs}
   */
  public record Result(double parentAccuracy, int epochs, int fineTune, List<Row> rows, double seconds) {}

  /**
   * @param evaluator training settings and the data's search split (its learning-rate schedule is
   *     restarted for every run)
   * @param epochs the parent's training
   * @param fineTune each child's training
   */
  public static Result run(TrainingEvaluator evaluator, int epochs, int fineTune, long seed) {
    long t0 = System.nanoTime();
    ImageDataset data = evaluator.searchTrainData();
    Shape in = new Shape(data.channels(), data.height(), data.width());
    LayerGraph.Shape input = new LayerGraph.Shape(data.channels(), data.height(), data.width());
    int classes = data.numClasses();
    LayerGraph parent = LayerGraph.parse(PARENT);
    List<Row> rows = new ArrayList<>();
    try (NDManager keep = NDManager.newBaseManager()) {
      var parentWeights = new java.util.concurrent.atomic.AtomicReference<Map<String, NDArray>>();
      GraphNetwork p = new GraphNetwork(parent, in, classes);
      BlockRun trained = evaluator.trainBlock(p, b -> {}, Rng.derive(seed, 0), epochs, TrialListener.NONE,
          b -> parentWeights.set(((GraphNetwork) b).weights(keep)));
      rows.add(row(evaluator, null, parent, parentWeights.get(), in, classes, fineTune, seed, 1));
      int i = 2;
      for (Morphism m : MORPHISMS) {
        Morphisms.Child c = m.apply(parent, parentWeights.get(), input, keep);
        rows.add(row(evaluator, m, c.graph(), c.weights(), in, classes, fineTune, seed, i++));
      }
      return new Result(trained.accuracy(), epochs, fineTune, rows, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static Row row(TrainingEvaluator evaluator, Morphism m, LayerGraph g, Map<String, NDArray> weights, Shape in,
      int classes, int fineTune, long seed, int n) {
    long runSeed = Rng.derive(seed, n);
    BlockRun inherited =
        evaluator.trainBlock(new GraphNetwork(g, in, classes), b -> ((GraphNetwork) b).load(weights), runSeed, fineTune,
            TrialListener.NONE, b -> {});
    BlockRun scratch =
        evaluator.trainBlock(new GraphNetwork(g, in, classes), b -> {}, runSeed, fineTune, TrialListener.NONE, b -> {});
    return new Row(m, g, inherited.params(), inherited.startAccuracy(), inherited.accuracy(), scratch.accuracy());
  }
}
