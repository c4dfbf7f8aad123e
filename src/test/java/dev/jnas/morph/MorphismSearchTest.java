package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.jnas.data.ImageDataset;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentListener;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.experiment.RunSettings;
import dev.jnas.model.GraphNetwork;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.store.InMemoryTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingSettings;
import dev.jnas.util.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trial loop's files: every trained network's weights, and what the final training inherits. */
class MorphismSearchTest {
  @TempDir Path dir;

  @BeforeAll
  static void oneTorchThread() {
    ai.djl.engine.Engine.getInstance();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
  }

  static final LayerGraph.Shape INPUT = new LayerGraph.Shape(1, 12, 12);

  /** The search's space: an architecture is a handle of the space object that made it. */
  private GraphSpace space;

  private MorphismSearch search() throws Exception {
    space = new GraphSpace(LayerGraph.parse("c1=conv3x3(4)<input; p1=pool<c1; c2=conv3x3(8)<p1"), INPUT, 2,
        GraphSpaceProvider.MUTATIONS);
    MorphismStrategy strategy = (MorphismStrategy) new MorphismStrategy.HillClimbingProvider()
        .create(space, Json.MAPPER.readTree("{\"steps\": 1, \"neighbours\": 3, \"morphisms\": 2}"), 3);
    ImageDataset data = ImageDataset.synthetic(400, 1, 12, 12, 3, 4);
    TrainingEvaluator e = new TrainingEvaluator(null, data, null, new TrainingSettings(1, 32, 0.05, 0.9, true, 5e-4, true, 0.0,
        false, 0.25, 0, 0L, dev.jnas.evaluate.RewardTransform.ACCURACY, false, TrainingSettings.Schedule.COSINE));
    return new MorphismSearch(space, strategy, e);
  }

  private static InMemoryTrialStore store() {
    InMemoryTrialStore s = new InMemoryTrialStore();
    s.createExperiment("m", "{}", "{}");
    return s;
  }

  @Test
  void everyNetworksWeightsAreKeptAndTheFinalTrainingStartsFromTheBests() throws Exception {
    MorphismSearch s = search();
    List<TrialRecord> trials = s.run(store(), new RunSettings(10, null, 1, 9, 1, null), dir, ExperimentListener.NONE);
    assertThat(trials).hasSize(4).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
    try (NDManager m = NDManager.newBaseManager()) {
      for (TrialRecord t : trials) {
        LayerGraph g = LayerGraph.parse(t.architecture());
        Map<String, NDArray> w = MorphismSearch.read(MorphismSearch.weightsFile(dir, t.id()), m);
        GraphNetwork net = new GraphNetwork(g, new Shape(1, 12, 12), 3);
        try (Model model = Model.newInstance("check")) {
          model.setBlock(net);
          net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 12, 12));
          assertThat(w.keySet()).isEqualTo(net.namedParameters().keySet());
          net.load(w); // every shape fits
        }
      }
      TrialRecord best = ExperimentRunner.best(trials).orElseThrow();
      Map<String, NDArray> stored = MorphismSearch.read(MorphismSearch.weightsFile(dir, best.id()), m);
      GraphNetwork fresh = new GraphNetwork(LayerGraph.parse(best.architecture()), new Shape(1, 12, 12), 3);
      try (Model model = Model.newInstance("final")) {
        model.setBlock(fresh);
        fresh.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 12, 12));
        s.inheritance(space.decode(best.architecture())).accept(fresh);
        Map<String, NDArray> loaded = fresh.weights(m);
        for (var entry : stored.entrySet()) {
          assertThat(loaded.get(entry.getKey()).contentEquals(entry.getValue())).as(entry.getKey()).isTrue();
        }
      }
    }
  }

  @Test
  void aSpentBudgetStartsNothingAndLeavesNothingRunning() throws Exception {
    InMemoryTrialStore store = store();
    List<TrialRecord> trials = search().run(store, new RunSettings(0, Duration.ZERO, 1, 9, 1, null), dir, ExperimentListener.NONE);
    assertThat(trials).isEmpty();
    List<TrialRecord> two = search().run(store, new RunSettings(2, null, 1, 9, 1, null), dir, ExperimentListener.NONE);
    assertThat(two).hasSize(2).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETE));
  }
}
