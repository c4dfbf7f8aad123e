package com.acme;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilderProvider;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;

/** Registered in the test resources: the default network of {@link PairSpace}. */
public class PairModelBuilderProvider implements ModelBuilderProvider {
  @Override
  public String name() {
    return PairSpace.NAME;
  }

  @Override
  public String description() {
    return "an MLP for acme-pair (a test plugin)";
  }

  @Override
  public boolean builds(SearchSpace space) {
    return space instanceof PairSpace;
  }

  @Override
  public ModelBuilder create(SearchSpace space, JsonNode params) {
    if (!(space instanceof PairSpace p)) {
      throw new BadInputException("model builder acme-pair builds only acme-pair spaces");
    }
    return new PairModelBuilder(p, params);
  }
}
