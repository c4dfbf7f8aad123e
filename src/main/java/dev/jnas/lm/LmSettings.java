package dev.jnas.lm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.jnas.util.BadInputException;

/**
 * How a language model is trained (the {@code evaluator.training} section of a language-model
 * task). The defaults follow PyTorch's word-language-model example and ENAS: plain SGD with a high
 * learning rate divided by {@code lr_decay} whenever validation perplexity stops improving,
 * gradients clipped to a global norm, dropout on the embeddings and on the cell's outputs,
 * truncated backpropagation through {@code bptt} steps with the hidden state carried across
 * batches.
 *
 * @param epochs passes over the training stream when the trial context gives none
 * @param batchSize parallel rows the training stream is cut into
 * @param bptt time steps per truncated backpropagation
 * @param learningRate SGD's initial learning rate
 * @param lrDecay the factor the learning rate is divided by after an epoch without improvement
 * @param clip the largest global gradient norm (0: no clipping)
 * @param dropout dropout on the embeddings and the cell's outputs
 * @param embedding embedding size
 * @param hidden the cell's hidden size
 * @param tieWeights the softmax reuses the embedding matrix (needs {@code embedding == hidden})
 * @param trainTokens train on only the first this many tokens of the training stream (0: all): fast trials
 * @param evalBatchSize rows the validation and test streams are cut into
 */
public record LmSettings(
    @JsonProperty("epochs") int epochs,
    @JsonProperty("batch_size") int batchSize,
    @JsonProperty("bptt") int bptt,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("lr_decay") double lrDecay,
    @JsonProperty("clip") double clip,
    @JsonProperty("dropout") double dropout,
    @JsonProperty("embedding") int embedding,
    @JsonProperty("hidden") int hidden,
    @JsonProperty("tie_weights") boolean tieWeights,
    @JsonProperty("train_tokens") int trainTokens,
    @JsonProperty("eval_batch_size") int evalBatchSize) {

  public static final LmSettings DEFAULTS = new LmSettings(6, 32, 35, 5, 4, 0.25, 0.2, 128, 128, false, 0, 10);

  public LmSettings {
    check(epochs >= 0, "epochs must be >= 0", epochs);
    check(batchSize > 0, "batch_size must be positive", batchSize);
    check(bptt > 0 && bptt <= 10_000, "bptt must be in 1..10000", bptt);
    check(learningRate > 0 && Double.isFinite(learningRate), "learning_rate must be a positive number", learningRate);
    check(lrDecay >= 1 && Double.isFinite(lrDecay), "lr_decay must be >= 1 (1: never decay)", lrDecay);
    check(clip >= 0 && Double.isFinite(clip), "clip must be >= 0 (0: no clipping)", clip);
    check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)", dropout);
    check(embedding > 0, "embedding must be positive", embedding);
    check(hidden > 0, "hidden must be positive", hidden);
    check(trainTokens >= 0, "train_tokens must be >= 0 (0 = all)", trainTokens);
    check(evalBatchSize > 0, "eval_batch_size must be positive", evalBatchSize);
    if (tieWeights && embedding != hidden) {
      throw new BadInputException(
          "training.tie_weights needs embedding == hidden (the softmax reuses the embedding matrix), got embedding "
              + embedding + " and hidden " + hidden);
    }
  }

  private static void check(boolean ok, String what, Object got) {
    if (!ok) {
      throw new BadInputException("training." + what + ", got " + got);
    }
  }

  /** Jackson's entry: absent fields take the defaults. */
  @JsonCreator
  static LmSettings fromJson(
      @JsonProperty("epochs") Integer epochs,
      @JsonProperty("batch_size") Integer batchSize,
      @JsonProperty("bptt") Integer bptt,
      @JsonProperty("learning_rate") Double learningRate,
      @JsonProperty("lr_decay") Double lrDecay,
      @JsonProperty("clip") Double clip,
      @JsonProperty("dropout") Double dropout,
      @JsonProperty("embedding") Integer embedding,
      @JsonProperty("hidden") Integer hidden,
      @JsonProperty("tie_weights") Boolean tieWeights,
      @JsonProperty("train_tokens") Integer trainTokens,
      @JsonProperty("eval_batch_size") Integer evalBatchSize) {
    LmSettings d = DEFAULTS;
    return new LmSettings(
        epochs == null ? d.epochs : epochs,
        batchSize == null ? d.batchSize : batchSize,
        bptt == null ? d.bptt : bptt,
        learningRate == null ? d.learningRate : learningRate,
        lrDecay == null ? d.lrDecay : lrDecay,
        clip == null ? d.clip : clip,
        dropout == null ? d.dropout : dropout,
        embedding == null ? d.embedding : embedding,
        hidden == null ? d.hidden : hidden,
        tieWeights == null ? d.tieWeights : tieWeights,
        trainTokens == null ? d.trainTokens : trainTokens,
        evalBatchSize == null ? d.evalBatchSize : evalBatchSize);
  }

  /** A copy with another hidden and embedding size (the LSTM baseline of equal parameter count). */
  public LmSettings withSizes(int embedding, int hidden) {
    return new LmSettings(epochs, batchSize, bptt, learningRate, lrDecay, clip, dropout, embedding, hidden,
        tieWeights && embedding == hidden, trainTokens, evalBatchSize);
  }
}
