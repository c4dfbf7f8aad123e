package dev.jnas.strategy;

import java.util.List;

/** The strategy contract on the NAS-RL controller (NAS-Bench-201, toy and declarative spaces). */
class ReinforceContractTest extends StrategyContract {
  static {
    // tiny tensors: one intra-op thread (only takes effect if the engine has not started yet)
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  @Override
  protected String strategyName() {
    return "reinforce";
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"batch\": 0}", "{\"layers\": 1.5}", "{\"learning_rate\": \"fast\"}");
  }
}
