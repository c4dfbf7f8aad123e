/**
 * Learned performance predictors and the searches they drive. A {@link dev.jnas.predict.Predictor}
 * maps token sequences to rewards: {@link dev.jnas.predict.MlpEnsemble} (PNAS's MLP, as an ensemble
 * trained in one batched network) and {@link dev.jnas.predict.LstmPredictor} (PNAS's LSTM).
 * {@link dev.jnas.predict.PredictorSearch} ({@code strategy: predictor}) is sequential model-based
 * search on any space; {@link dev.jnas.predict.ProgressiveSearch} ({@code strategy: pnas}) is PNAS's
 * progressive search on cells of growing block count. Both refit from the results they are told,
 * so their snapshots carry no weights.
 */
package dev.jnas.predict;
