package dev.jnas.api;

import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.util.BadInputException;

/** Wires the training evaluator (DJL) from a config. */
final class Training {
  private Training() {}

  static Components create(ExperimentConfig config) {
    throw new BadInputException("training evaluator not wired yet");
  }
}
