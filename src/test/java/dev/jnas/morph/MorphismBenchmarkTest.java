package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.data.ImageDataset;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MorphismBenchmarkTest {
  @BeforeAll
  static void oneTorchThread() {
    // one intra-op thread, as the training tests use on the shared 2-core machine
    ai.djl.engine.Engine.getInstance();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
  }

  @Test
  void exactChildrenStartWithTheParentsAccuracyAndAllTrain() {
    ImageDataset data = ImageDataset.synthetic(600, 1, 12, 12, 4, 3);
    TrainingEvaluator e = new TrainingEvaluator(null, data, null, new TrainingSettings(1, 32, 0.05, 0.9, true, 5e-4, true, 0.0, false, 0.25, 0, 0L,
        dev.jnas.evaluate.RewardTransform.ACCURACY, false, TrainingSettings.Schedule.COSINE));
    MorphismBenchmark.Result r = MorphismBenchmark.run(e, 2, 1, 5);
    assertThat(r.rows()).hasSize(1 + MorphismBenchmark.MORPHISMS.size());
    assertThat(r.parentAccuracy()).as("the parent learned something").isGreaterThan(0.3);
    for (MorphismBenchmark.Row row : r.rows()) {
      if (row.morphism() == null || row.morphism().exact()) {
        // inference on the same validation images: the same predictions, so the same accuracy
        assertThat(row.inherited()).as("%s", row.morphism()).isEqualTo(r.parentAccuracy());
      }
      assertThat(row.fineTuned()).as("%s", row.morphism()).isBetween(0.0, 1.0);
      assertThat(row.scratch()).isBetween(0.0, 1.0);
    }
    MorphismBenchmark.Row removed = r.rows().get(r.rows().size() - 1);
    assertThat(removed.morphism()).isInstanceOf(Morphism.Remove.class);
    assertThat(removed.params()).isLessThan(r.rows().get(0).params());
  }
}
