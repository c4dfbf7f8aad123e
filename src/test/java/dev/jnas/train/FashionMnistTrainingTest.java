package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.data.FashionMnist;
import dev.jnas.data.ImageDataset;
import dev.jnas.data.TrainTestData;
import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real data: a 2,000-image slice of the installed Fashion-MNIST (fails when it is absent). */
class FashionMnistTrainingTest {
  @BeforeAll
  static void oneTorchThread() {
    SharedCpu.oneTorchThread();
  }

  @Test
  void tinyCnnLearnsASliceOfFashionMnist() {
    TrainTestData data = FashionMnist.load();
    ImageDataset slice = data.train().slice(0, 2000);
    TrainingSettings s = TrainingSettings.DEFAULTS.withEpochs(2).withBatchSize(32).withEvalTest(true);
    TrainingEvaluator ev = new TrainingEvaluator(new TinyCnnBuilder(), slice, data.test().slice(0, 1000), s);
    // stratified: 10% of each class, rounded per class
    assertThat(ev.valSize()).isBetween(195, 205);
    assertThat(ev.trainSize() + ev.valSize()).isEqualTo(2000);

    TrialResult r = ev.evaluate(TrainingEvaluatorTest.ARCH, TrialContext.of(1, 42, 2));

    assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(TrialStatus.COMPLETE);
    assertThat(r.valAccuracy()).isGreaterThan(0.6);
    assertThat(r.testAccuracy()).isGreaterThan(0.6);
  }
}
