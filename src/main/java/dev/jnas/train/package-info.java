/**
 * Training candidate networks: {@link dev.jnas.train.TrainingEvaluator} scores an architecture by
 * SGD training on a fixed train/validation split, and retrains the best one on the full training
 * set ({@link dev.jnas.train.TrainingEvaluator#trainFinal}). Runs of several epochs save a
 * checkpoint after each epoch and continue from it after a crash. {@link
 * dev.jnas.train.SavedModel} loads a retrained model from its folder alone and predicts with it.
 */
package dev.jnas.train;
