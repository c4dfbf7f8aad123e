package dev.jnas.oneshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.space.Architecture;
import dev.jnas.util.Rng;
import java.util.List;

/**
 * A one-shot method with architecture parameters (DARTS, ProxylessNAS): its state is alpha and
 * Adam's moments, its records carry softmax(alpha), and it ends in the supernet's discretisation
 * of softmax(alpha) (NNI 3.0's ProxylessNAS export returned a sample instead).
 */
abstract class DifferentiableSearch extends OneShotSearch {
  protected final ArchParameters alpha;

  /** @param init standard deviation of the initial logits (0: uniform) */
  DifferentiableSearch(
      SupernetTrainer trainer, OneShotParams params, BatchLoader train, BatchLoader val, BatchLoader eval, long seed,
      double init) {
    super(trainer, params, train, val, eval, seed);
    this.alpha = new ArchParameters(net, params, init, Rng.derive(seed, 11), trainer.manager());
  }

  @Override
  protected final Architecture current(int epoch) {
    return deriveFinal();
  }

  @Override
  protected final Architecture deriveFinal() {
    return net.derive(alpha.probabilities());
  }

  @Override
  protected final List<float[]> probabilities() {
    return alpha.probabilities();
  }

  @Override
  protected final JsonNode state() {
    return alpha.toJson();
  }

  @Override
  protected final void restore(JsonNode state) {
    alpha.restore(state);
  }
}
