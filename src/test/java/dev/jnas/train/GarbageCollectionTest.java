package dev.jnas.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.evaluate.TrialContext;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.NasBench201Space;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training does not depend on when the JVM collects garbage. DJL wraps an array made from Java
 * data around a direct buffer that only the array object keeps alive; an array that autograd saves
 * for the backward pass (a batch's images, read again for the first layer's weight gradient) must
 * stay open until backward has run, or a collection in between frees its memory and the gradients
 * read whatever was written there since. A thread here collects and scribbles over fresh direct
 * buffers all the time: two runs must still give the same result.
 */
class GarbageCollectionTest {
  @BeforeAll
  static void oneTorchThread() {
    SharedCpu.oneTorchThread();
  }

  @Test
  void trainingUnderConstantGarbageCollectionIsReproducible() throws Exception {
    TrainingSettings s = CheckpointTest.BASE.withEpochs(2);
    NasBench201Space space = new NasBench201Space(1, 4);
    TrainingEvaluator ev = new TrainingEvaluator(ModelBuilders.forSpace(space), CheckpointTest.DATA, null, s);
    AtomicBoolean stop = new AtomicBoolean();
    Thread storm = new Thread(() -> {
      while (!stop.get()) {
        System.gc();
        for (int k = 0; k < 40; k++) {
          ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
          while (b.remaining() >= 4) {
            b.putFloat(-7f);
          }
        }
      }
    });
    storm.setDaemon(true);
    storm.start();
    try {
      TrialResult a = ev.evaluate(CheckpointTest.ARCH, TrialContext.of(1, 5, 2));
      TrialResult b = ev.evaluate(CheckpointTest.ARCH, TrialContext.of(1, 5, 2));
      assertThat(a.isComplete()).as(a.error()).isTrue();
      assertThat(b.epochs().get(1).trainLoss()).isEqualTo(a.epochs().get(1).trainLoss());
      assertThat(b.valAccuracy()).isEqualTo(a.valAccuracy());
    } finally {
      stop.set(true);
      storm.join();
    }
  }
}
