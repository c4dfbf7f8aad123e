package dev.jnas.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * A language model: token ids {@code (B, T)} (int64) and the cell's state to next-token logits
 * {@code (B * T, V)} and the state after the last step. Embedding, dropout, the recurrent cell,
 * dropout, a softmax layer (optionally tied to the embedding), as in PyTorch's
 * word-language-model example, ENAS and NAS-RL.
 */
public final class LanguageModelNetwork extends AbstractBlock {
  private final RecurrentCell cell;
  private final int vocabulary;
  private final int embedding;
  private final float dropout;
  private final Parameter embeddingWeight;
  private final Parameter decoderWeight; // null when tied
  private final Parameter decoderBias;

  public LanguageModelNetwork(RecurrentCell cell, int vocabulary, boolean tieWeights, double dropout) {
    if (tieWeights && cell.inputSize() != cell.hiddenSize()) {
      throw new IllegalArgumentException("tied weights need embedding == hidden");
    }
    this.cell = addChildBlock("cell", cell);
    this.vocabulary = vocabulary;
    this.embedding = cell.inputSize();
    this.dropout = (float) dropout;
    embeddingWeight = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(vocabulary, embedding)).optInitializer(new UniformInitializer(0.1f)).build());
    decoderWeight = tieWeights ? null : addParameter(Parameter.builder().setName("decoder_weight")
        .setType(Parameter.Type.WEIGHT).optShape(new Shape(vocabulary, cell.hiddenSize()))
        .optInitializer(new UniformInitializer(0.1f)).build());
    decoderBias = addParameter(Parameter.builder().setName("decoder_bias").setType(Parameter.Type.BIAS)
        .optShape(new Shape(vocabulary)).optInitializer(Initializer.ZEROS).build());
  }

  public RecurrentCell cell() {
    return cell;
  }

  public int vocabulary() {
    return vocabulary;
  }

  /** The state before the first step. */
  public NDList zeroState(NDManager manager, int batch) {
    return cell.zeroState(manager, batch);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.head();
    long b = ids.getShape().get(0);
    long t = ids.getShape().get(1);
    NDArray x = Embedding.embedding(ids, embeddingWeight.getArray(), ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
    x = drop(x, training);
    NDList in = new NDList(x);
    in.addAll(inputs.subNDList(1));
    NDList r = cell.forward(store, in, training);
    NDArray out = drop(r.head(), training).reshape(b * t, cell.hiddenSize());
    NDArray w = decoderWeight == null ? embeddingWeight.getArray() : decoderWeight.getArray();
    NDList result = new NDList(Linear.linear(out, w, decoderBias.getArray()).singletonOrThrow());
    result.addAll(r.subNDList(1));
    return result;
  }

  private NDArray drop(NDArray x, boolean training) {
    return training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    long b = inputs[0].get(0);
    Shape[] out = new Shape[1 + cell.stateArrays()];
    out[0] = new Shape(b * inputs[0].get(1), vocabulary);
    for (int i = 1; i < out.length; i++) {
      out[i] = new Shape(b, cell.hiddenSize());
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    cell.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1), embedding));
  }

  /** Trainable parameters (after initialisation). */
  public long parameterCount() {
    long n = 0;
    for (var p : getParameters()) {
      if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }
}
