package com.acme;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.ModelBuilder;
import dev.jnas.space.Architecture;
import dev.jnas.util.Params;

/** A user's DJL model for {@link PairSpace}: an MLP whose hidden width is hidden * (a + 1) and depth b + 1. */
public class PairModelBuilder implements ModelBuilder {
  record Settings(Integer hidden) {}

  private final int hidden;

  public PairModelBuilder(PairSpace space, JsonNode params) {
    this.hidden = Params.atLeast("model builder acme", "hidden", Params.bind("model builder acme", params, Settings.class).hidden(), 4, 1);
  }

  private int width(Architecture arch) {
    return hidden * (arch.get(0) + 1);
  }

  @Override
  public Block build(Architecture arch, Shape inputShape, int numClasses) {
    SequentialBlock b = new SequentialBlock().add(Blocks.batchFlattenBlock());
    for (int i = 0; i <= arch.get(1); i++) {
      b.add(Linear.builder().setUnits(width(arch)).build()).add(Activation.reluBlock());
    }
    return b.add(Linear.builder().setUnits(numClasses).build());
  }

  @Override
  public long flops(Architecture arch, Shape inputShape, int numClasses) {
    long w = width(arch);
    return inputShape.size() * w + arch.get(1) * w * w + w * numClasses;
  }
}
