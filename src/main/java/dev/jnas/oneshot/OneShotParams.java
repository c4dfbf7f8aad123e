package dev.jnas.oneshot;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.strategy.rl.ReinforceConfig;
import dev.jnas.util.Json;
import dev.jnas.util.Params;

/**
 * The parameters of a one-shot strategy ({@code strategy: {name: darts|proxyless|enas, params:
 * {...}}}); absent ones take the defaults of the method's paper or reference code (NNI, the
 * official repositories), scaled where a 2-core CPU needs it (said per field). Weight training
 * uses the evaluator's {@code training} settings (learning rate, momentum, Nesterov, weight decay,
 * cosine schedule, batch size) over {@code budget.epochs} supernet epochs.
 *
 * @param method darts, proxyless or enas
 * @param order DARTS: 1 (first order, default) or 2 (finite-difference Hessian-vector product)
 * @param archLearningRate Adam step size of the architecture parameters (DARTS 3e-4, ProxylessNAS 1e-3)
 * @param archBeta1 Adam beta1 (DARTS 0.5, ProxylessNAS 0)
 * @param archWeightDecay Adam weight decay of the architecture parameters (DARTS 1e-3, ProxylessNAS 0)
 * @param archEvery ProxylessNAS: one architecture step every this many weight steps (official: 5; default 1)
 * @param warmupEpochs epochs that train the weights only (paths uniform) before architecture steps
 * @param stepsPerEpoch weight steps per epoch; 0 = one pass over the training split
 * @param evalImages validation images measured after each epoch with the current architecture (0 = all)
 * @param maxSkips DARTS+: stop when the derived architecture holds more than this many skip
 *     connections (absent: never)
 * @param stopPatience stop when the derived architecture is unchanged for this many epochs and the
 *     mean normalised entropy of the choices is under {@code stopEntropy} (0 = never)
 * @param stopEntropy see {@code stopPatience}; in [0, 1], 1 = any entropy
 * @param latencyTable ProxylessNAS: a table written by {@code jnas latency-table} (relative to the config)
 * @param latencyWeight ProxylessNAS: lambda of lambda * expected latency (ms); 0 disables it
 * @param paths ProxylessNAS: 1 (one sampled path, the paper's estimator) or 2 (the official code's
 *     two-path mode)
 * @param controllerSteps ENAS: controller updates per epoch
 * @param deriveSamples ENAS: architectures sampled at the end, the best on a validation batch kept
 * @param controller ENAS: the LSTM controller's parameters (those of strategy reinforce)
 */
public record OneShotParams(
    String method,
    int order,
    double archLearningRate,
    double archBeta1,
    double archWeightDecay,
    int archEvery,
    int warmupEpochs,
    int stepsPerEpoch,
    int evalImages,
    Integer maxSkips,
    int stopPatience,
    double stopEntropy,
    String latencyTable,
    double latencyWeight,
    int paths,
    int controllerSteps,
    int deriveSamples,
    ReinforceConfig controller) {

  public static final String DARTS = "darts";
  public static final String PROXYLESS = "proxyless";
  public static final String ENAS = "enas";

  /** What a config may give; null = the method's default. */
  record Given(
      Integer order,
      @JsonProperty("arch_learning_rate") Double archLearningRate,
      @JsonProperty("arch_beta1") Double archBeta1,
      @JsonProperty("arch_weight_decay") Double archWeightDecay,
      @JsonProperty("arch_every") Integer archEvery,
      @JsonProperty("warmup_epochs") Integer warmupEpochs,
      @JsonProperty("steps_per_epoch") Integer stepsPerEpoch,
      @JsonProperty("eval_images") Integer evalImages,
      @JsonProperty("max_skips") Integer maxSkips,
      @JsonProperty("stop_patience") Integer stopPatience,
      @JsonProperty("stop_entropy") Double stopEntropy,
      @JsonProperty("latency_table") String latencyTable,
      @JsonProperty("latency_weight") Double latencyWeight,
      Integer paths,
      @JsonProperty("controller_steps") Integer controllerSteps,
      @JsonProperty("derive_samples") Integer deriveSamples,
      JsonNode controller) {}

  /**
   * Reads {@code method}'s parameters; parameters of another method are refused by name.
   *
   * @throws dev.jnas.util.BadInputException naming an unknown or bad parameter
   */
  public static OneShotParams fromJson(String method, JsonNode params) {
    String component = "strategy " + method;
    Given g = Params.bind(component, params, Given.class);
    boolean darts = method.equals(DARTS);
    boolean proxyless = method.equals(PROXYLESS);
    boolean enas = method.equals(ENAS);
    onlyFor(component, "order", g.order(), darts);
    onlyFor(component, "max_skips", g.maxSkips(), darts);
    onlyFor(component, "arch_every", g.archEvery(), proxyless);
    onlyFor(component, "latency_table", g.latencyTable(), proxyless);
    onlyFor(component, "latency_weight", g.latencyWeight(), proxyless);
    onlyFor(component, "paths", g.paths(), proxyless);
    onlyFor(component, "arch_learning_rate", g.archLearningRate(), !enas);
    onlyFor(component, "arch_beta1", g.archBeta1(), !enas);
    onlyFor(component, "arch_weight_decay", g.archWeightDecay(), !enas);
    onlyFor(component, "stop_patience", g.stopPatience(), !enas);
    onlyFor(component, "stop_entropy", g.stopEntropy(), !enas);
    onlyFor(component, "controller_steps", g.controllerSteps(), enas);
    onlyFor(component, "derive_samples", g.deriveSamples(), enas);
    onlyFor(component, "controller", g.controller(), enas);
    int order = or(g.order(), 1);
    if (order != 1 && order != 2) {
      throw Params.bad(component, "order", "1 or 2", order);
    }
    int paths = or(g.paths(), 1);
    if (paths != 1 && paths != 2) {
      throw Params.bad(component, "paths", "1 or 2", paths);
    }
    double archLr = or(g.archLearningRate(), proxyless ? 1e-3 : 3e-4);
    positive(component, "arch_learning_rate", archLr);
    double beta1 = or(g.archBeta1(), proxyless ? 0.0 : 0.5);
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw Params.bad(component, "arch_beta1", "a number in [0, 1)", beta1);
    }
    double archWd = or(g.archWeightDecay(), proxyless ? 0.0 : 1e-3);
    if (!(archWd >= 0) || Double.isInfinite(archWd)) {
      throw Params.bad(component, "arch_weight_decay", "a number >= 0", archWd);
    }
    double stopEntropy = or(g.stopEntropy(), 1.0);
    if (!(stopEntropy >= 0 && stopEntropy <= 1)) {
      throw Params.bad(component, "stop_entropy", "a number in [0, 1]", stopEntropy);
    }
    double latencyWeight = or(g.latencyWeight(), 0.0);
    if (!(latencyWeight >= 0) || Double.isInfinite(latencyWeight)) {
      throw Params.bad(component, "latency_weight", "a number >= 0", latencyWeight);
    }
    if (g.maxSkips() != null && g.maxSkips() < 0) {
      throw Params.bad(component, "max_skips", "an integer >= 0", g.maxSkips());
    }
    ObjectNode controllerParams = enasControllerDefaults();
    if (g.controller() != null && !g.controller().isNull()) {
      if (!g.controller().isObject()) {
        throw Params.bad(component, "controller", "an object of reinforce parameters", g.controller());
      }
      controllerParams.setAll((ObjectNode) g.controller());
    }
    return new OneShotParams(
        method,
        order,
        archLr,
        beta1,
        archWd,
        Params.atLeast(component, "arch_every", g.archEvery(), 1, 1),
        Params.atLeast(component, "warmup_epochs", g.warmupEpochs(), 0, 0),
        Params.atLeast(component, "steps_per_epoch", g.stepsPerEpoch(), 0, 0),
        Params.atLeast(component, "eval_images", g.evalImages(), 2000, 0),
        g.maxSkips(),
        Params.atLeast(component, "stop_patience", g.stopPatience(), 0, 0),
        stopEntropy,
        g.latencyTable(),
        latencyWeight,
        paths,
        Params.atLeast(component, "controller_steps", g.controllerSteps(), 50, 1),
        Params.atLeast(component, "derive_samples", g.deriveSamples(), 20, 1),
        enas ? ReinforceConfig.fromJson(controllerParams) : null);
  }

  /**
   * ENAS's controller (NNI 2.8's REINFORCE form): one LSTM layer of 64, baseline decay 0.999
   * (0.99 here: an epoch on a CPU gives tens of updates, not thousands), entropy bonus 1e-4; Adam
   * 1e-3 instead of 3.5e-4 for the same reason.
   */
  private static ObjectNode enasControllerDefaults() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("layers", 1);
    o.put("hidden", 64);
    o.put("learning_rate", 1e-3);
    o.put("batch", 5);
    o.put("baseline_decay", 0.99);
    o.put("entropy_weight", 1e-4);
    return o;
  }

  private static void onlyFor(String component, String name, Object value, boolean applies) {
    if (value != null && !applies) {
      throw dev.jnas.util.ConfigException.sentence(
          name, component + ": parameter '" + name + "' does not apply to this method");
    }
  }

  private static void positive(String component, String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw Params.bad(component, name, "a number > 0", v);
    }
  }

  private static <T> T or(T v, T fallback) {
    return v == null ? fallback : v;
  }
}
