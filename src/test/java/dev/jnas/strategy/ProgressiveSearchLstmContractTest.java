package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** PNAS with the LSTM predictor (whose later fits continue from the earlier weights) under the contract. */
class ProgressiveSearchLstmContractTest extends ProgressiveSearchContractTest {
  @Override
  protected JsonNode params() {
    return ((ObjectNode) super.params()).put("predictor", "lstm");
  }
}
