package com.acme;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.AbstractSearchSpace;
import dev.jnas.space.Decision;
import dev.jnas.util.Params;
import java.util.List;

/**
 * A user's space as a third-party jar would ship it: two decisions a and b in 0..n-1, read from
 * its params with jnas's binding ({@code {n: 3}}).
 */
public class PairSpace extends AbstractSearchSpace {
  public static final String NAME = "acme-pair";

  record Settings(Integer n) {}

  public PairSpace(JsonNode params) {
    this(Params.atLeast("search space " + NAME, "n", Params.bind("search space " + NAME, params, Settings.class).n(), 3, 2));
  }

  public PairSpace(int n) {
    super(NAME, List.of(new Decision.IntRange("a", 0, n - 1), new Decision.IntRange("b", 0, n - 1)));
  }
}
