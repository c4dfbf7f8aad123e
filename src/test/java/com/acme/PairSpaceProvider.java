package com.acme;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaceProvider;

/** Registered in the test resources' META-INF/services, as a plugin jar would. */
public class PairSpaceProvider implements SearchSpaceProvider {
  @Override
  public String name() {
    return PairSpace.NAME;
  }

  @Override
  public String description() {
    return "two integer decisions (a test plugin)";
  }

  @Override
  public SearchSpace create(JsonNode params) {
    return new PairSpace(params);
  }
}
