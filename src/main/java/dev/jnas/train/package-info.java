/**
 * Training candidate networks: {@link dev.jnas.train.TrainingEvaluator} scores an architecture by
 * SGD training on a fixed train/validation split, and retrains the best one on the full training
 * set ({@link dev.jnas.train.TrainingEvaluator#trainFinal}).
 */
package dev.jnas.train;
