package dev.jnas.cli;

/** Configs of small training searches (a two-layer NAS-RL macro space on synthetic images) for CLI tests. */
final class TinyTrainingConfig {
  private TinyTrainingConfig() {}

  /**
   * @param synthetic the {@code evaluator.synthetic} object, e.g. {@code {train: 1200, test: 400}}
   * @param training the {@code evaluator.training} object
   * @param budget the {@code budget} object
   * @param finalTraining the {@code final} object
   */
  static String yaml(String name, int seed, String synthetic, String training, String budget, String finalTraining) {
    return """
        name: %s
        seed: %d
        space:
          name: nasrl-macro
          params: {layers: 2, filter_sizes: [3], filters: [8, 16], strides: true}
        strategy: {name: random}
        evaluator:
          type: training
          dataset: synthetic
          synthetic: %s
          training: %s
        budget: %s
        final: %s
        """.formatted(name, seed, synthetic, training, budget, finalTraining);
  }
}
