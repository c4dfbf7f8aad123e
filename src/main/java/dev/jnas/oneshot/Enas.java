package dev.jnas.oneshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.space.Architecture;
import dev.jnas.strategy.rl.ReinforceController;
import dev.jnas.util.Rng;
import java.util.List;
import java.util.OptionalDouble;

/**
 * ENAS (Pham et al. 2018): jnas's LSTM controller ({@link ReinforceController}: REINFORCE with a
 * moving-average baseline and an entropy bonus) samples sub-networks of one supernet whose
 * weights they share. Each epoch trains the shared weights on the training split, one sampled
 * architecture per step, then takes {@code controller_steps} controller updates whose rewards are
 * the sampled architectures' accuracies on validation batches with the shared weights. To derive,
 * it samples {@code derive_samples} architectures and keeps the best on one validation batch.
 */
final class Enas extends OneShotSearch {
  private final ReinforceController controller;

  Enas(SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed) {
    super(trainer, params, train, val, eval, seed);
    this.controller = new ReinforceController(net.space(), params.controller(), Rng.derive(seed, 13));
  }

  @Override
  protected double[] trainEpoch(int epoch, Deadline deadline, Listener listener) {
    Rng rng = epochRng(epoch, 2);
    double[] t = weightSteps(epoch, deadline, listener, (s, step) -> net.useArchitecture(controller.sample(1, rng).get(0)));
    try (Endless valBatches = new Endless(val, epoch * 1000)) {
      for (int u = 0; u < params.controllerSteps() && !deadline.passed(); u++) {
        List<Architecture> archs = controller.ask(params.controller().batch());
        for (Architecture a : archs) {
          net.useArchitecture(a);
          controller.tell(a, OptionalDouble.of(trainer.evaluate(valBatches.next())[1]));
        }
      }
    }
    return t;
  }

  @Override
  protected Architecture current(int epoch) {
    return best(Math.min(5, params.deriveSamples()), epochRng(epoch, 3));
  }

  @Override
  protected Architecture deriveFinal() {
    return best(params.deriveSamples(), Rng.of(Rng.derive(seed, 17)));
  }

  /** The best of {@code m} sampled architectures on the first validation batch. */
  private Architecture best(int m, Rng rng) {
    BatchLoader.HostBatch batch;
    try (Endless b = new Endless(eval, 0)) {
      batch = b.next();
    }
    Architecture best = null;
    double bestAcc = -1;
    for (Architecture a : controller.sample(m, rng)) {
      net.useArchitecture(a);
      double acc = trainer.evaluate(batch)[1];
      if (acc > bestAcc) {
        bestAcc = acc;
        best = a;
      }
    }
    return best;
  }

  @Override
  protected JsonNode state() {
    return controller.snapshot();
  }

  @Override
  protected void restore(JsonNode state) {
    controller.restore((ObjectNode) state);
  }

  @Override
  protected void describeEpoch(ObjectNode record) {
    record.put("controller_updates", controller.updates());
    double b = controller.baseline();
    if (!Double.isNaN(b)) {
      record.put("baseline", b);
    }
  }

  @Override
  public void close() {
    controller.close();
  }
}
