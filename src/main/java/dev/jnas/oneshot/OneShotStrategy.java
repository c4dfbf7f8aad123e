package dev.jnas.oneshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.strategy.Strategy;
import dev.jnas.strategy.StrategyProvider;
import dev.jnas.util.BadInputException;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A one-shot strategy as the config names it: its parameters, checked when the experiment is
 * created. It proposes no trials: the experiment runs a {@link SupernetSearch} with them instead.
 */
public final class OneShotStrategy implements Strategy {
  private final OneShotParams params;

  OneShotStrategy(OneShotParams params) {
    this.params = params;
  }

  public OneShotParams params() {
    return params;
  }

  @Override
  public String name() {
    return params.method();
  }

  @Override
  public List<Architecture> ask(int n) {
    throw new BadInputException(
        "strategy " + params.method() + " is a one-shot search: it trains a supernet with evaluator type training"
            + " (run the experiment), it does not propose trials to ask and tell");
  }

  @Override
  public void tell(Architecture arch, OptionalDouble reward) {
    ask(1);
  }

  @Override
  public ObjectNode snapshot() {
    return dev.jnas.util.Json.MAPPER.createObjectNode().put("method", params.method());
  }

  @Override
  public void restore(ObjectNode snapshot) {}

  /** The three one-shot methods, registered as strategies. */
  abstract static class Provider implements StrategyProvider {
    private final String name;
    private final String description;

    Provider(String name, String description) {
      this.name = name;
      this.description = description;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public boolean usesEngine() {
      return true;
    }

    @Override
    public boolean oneShot() {
      return true;
    }

    @Override
    public Strategy create(SearchSpace space, JsonNode params, long seed) {
      return new OneShotStrategy(OneShotParams.fromJson(name, params));
    }
  }

  /** {@code darts}. */
  public static final class DartsProvider extends Provider {
    public DartsProvider() {
      super(OneShotParams.DARTS, "one-shot: DARTS, softmax-weighted mixed ops, alpha by Adam on validation batches (Liu et al. 2019)");
    }
  }

  /** {@code proxyless}. */
  public static final class ProxylessProvider extends Provider {
    public ProxylessProvider() {
      super(OneShotParams.PROXYLESS, "one-shot: ProxylessNAS, one sampled path per step, binary-gate gradients, optional latency loss (Cai et al. 2019)");
    }
  }

  /** {@code enas}. */
  public static final class EnasProvider extends Provider {
    public EnasProvider() {
      super(OneShotParams.ENAS, "one-shot: ENAS, LSTM controller sampling sub-networks of shared weights (Pham et al. 2018)");
    }
  }
}
