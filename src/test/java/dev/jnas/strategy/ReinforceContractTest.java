package dev.jnas.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.Json;
import java.util.List;
import java.util.stream.Stream;

/**
 * The REINFORCE controller under the strategy contract, on NAS-Bench-201, the toy space, a
 * conditional declarative space, and small {@code cell} and {@code nasrl-macro} spaces
 * (InputChoice and Connection decisions, scored by attention).
 */
class ReinforceContractTest extends StrategyContract {
  static {
    // Tiny tensors: one intra-op thread avoids OpenMP stalls on a busy machine (if the engine has
    // not started yet in this JVM).
    System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
  }

  @Override
  protected String strategyName() {
    return "reinforce";
  }

  /** A batch of 5 so that the contract's asks several rounds ahead of the tells reach updates. */
  @Override
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode().put("batch", 5).put("hidden", 12);
  }

  @Override
  protected List<String> badParams() {
    return List.of("{\"hiden\": 3}", "{\"batch_size\": 10}", "{\"batch\": 0}", "{\"layers\": 1.5}", "{\"learning_rate\": \"fast\"}");
  }

  /** Hides the contract's spaces: REINFORCE also runs on the attention-scored spaces. */
  static Stream<SearchSpace> spaces() {
    return Stream.of(
        new NasBench201Space(),
        new ToySpace(),
        DeclarativeSpaces.conditional(),
        SearchSpaces.create("cell", json("{\"blocks\": 3, \"ops\": [\"identity\", \"avg_pool_3x3\", \"sep_conv_3x3\"]}")),
        SearchSpaces.create("nasrl-macro", json("{\"layers\": 4, \"filter_sizes\": [1, 3], \"filters\": [8, 16]}")));
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
