package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HyperparameterSpaceTest {
  /** Learning rate, and an optimizer choice whose options carry their own parameters. */
  static final String NESTED = """
      quantiles: 1000
      parameters:
        learning_rate: {log_uniform: [1.0e-4, 0.1]}
        batch_size: [64, 128]
        epochs: 2
        optimizer:
          choice:
            sgd:
              momentum: {uniform: [0.8, 0.99]}
              nesterov: [true, false]
            adam: {beta1: {uniform: [0.8, 0.95]}}
            plain: {}
      """;

  static HyperparameterSpace of(String yaml) {
    return HyperparameterSpace.fromParams(DeclarativeSpaces.yaml(yaml));
  }

  private static List<String> labels(HyperparameterSpace s, int decision) {
    Decision d = s.decisions().get(decision);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < d.cardinality(); i++) {
      out.add(d.label(i));
    }
    return out;
  }

  @Test
  void continuousDistributionsBecomeEqualProbabilityQuantiles() {
    HyperparameterSpace s = of("""
        quantiles: 4
        parameters:
          u: {uniform: [0, 1]}
          l: {log_uniform: [1.0e-4, 1]}
          n: {normal: [0, 1]}
          i: {integer: [1, 3]}
        """);
    // midpoints of 4 equal-probability bins: (k + 0.5) / 4
    assertThat(labels(s, 0)).containsExactly("0.125", "0.375", "0.625", "0.875");
    // log-uniform: the same on the exponents, -4..0
    assertThat(labels(s, 1)).containsExactly("0.000316", "0.00316", "0.0316", "0.316");
    assertThat(labels(s, 2)).containsExactly("-1.15", "-0.319", "0.319", "1.15");
    assertThat(labels(s, 3)).containsExactly("1", "2", "3");
    assertThat(s.distribution(1)).contains(new Distribution.LogUniform(1e-4, 1));
    assertThat(s.distribution(3).orElseThrow().discrete()).isTrue();
  }

  @Test
  void aUniformIndexIsADrawFromTheDistributionWithinItsBounds() {
    HyperparameterSpace s = of("parameters: {lr: {log_uniform: [1.0e-4, 0.1]}, m: {uniform: [0.8, 0.99]}}");
    List<String> lr = labels(s, 0);
    assertThat(lr).hasSize(HyperparameterSpace.DEFAULT_QUANTILES).doesNotHaveDuplicates();
    Rng rng = Rng.of(7);
    int n = 20_000;
    int belowMilli = 0;
    int belowHalf = 0;
    double minLr = 1;
    double maxLr = 0;
    for (int k = 0; k < n; k++) {
      Map<String, String> v = s.values(s.sample(rng));
      double x = Double.parseDouble(v.get("lr"));
      double m = Double.parseDouble(v.get("m"));
      assertThat(m).isBetween(0.8, 0.99);
      minLr = Math.min(minLr, x);
      maxLr = Math.max(maxLr, x);
      belowMilli += x < 1e-3 ? 1 : 0;
      belowHalf += m < 0.895 ? 1 : 0;
    }
    assertThat(minLr).isGreaterThanOrEqualTo(1e-4);
    assertThat(maxLr).isLessThanOrEqualTo(0.1);
    // log-uniform over 3 decades: a third of the draws lie in the first decade
    assertThat(belowMilli / (double) n).isCloseTo(1 / 3.0, within(0.015));
    assertThat(belowHalf / (double) n).isCloseTo(0.5, within(0.015));
  }

  @Test
  void nestedChoicesAreConditionalDecisionsNamedByTheirPath() {
    HyperparameterSpace s = of(NESTED);
    assertThat(s.decisions().stream().map(Decision::name))
        .containsExactly("learning_rate", "batch_size", "epochs", "optimizer", "optimizer.sgd.momentum",
            "optimizer.sgd.nesterov", "optimizer.adam.beta1");
    assertThat(s.gates(3)).isTrue();
    assertThat(s.gates(0)).isFalse();
    String lr = s.decisions().get(0).label(333);
    String text = "learning_rate=" + lr + ",batch_size=64,epochs=2,optimizer=adam,optimizer.adam.beta1=" + s.decisions().get(6).label(500);
    Architecture a = s.decode(text);
    assertThat(s.values(a)).containsOnlyKeys("learning_rate", "batch_size", "epochs", "optimizer", "optimizer.adam.beta1");
    assertThat(s.values(a).get("optimizer.adam.beta1")).isEqualTo("0.8751");
    assertThat(Double.parseDouble(lr)).isCloseTo(Math.pow(10, -4 + 3 * 333.5 / 1000), within(1e-6));
    assertThat(s.encode(a)).isEqualTo(text);
    // a value off the grid: the message gives the grid's ends, not a thousand options
    assertThatThrownBy(() -> s.decode(text.replace(lr, "0.00123456")))
        .hasMessageContaining("0.0001003, ")
        .hasMessageContaining(", ..., ")
        .hasMessageContaining("(1000 options)");
    assertThat(HyperparameterSpace.leaf("optimizer.adam.beta1")).isEqualTo("beta1");
    Rng rng = Rng.of(3);
    for (int k = 0; k < 200; k++) {
      Architecture x = s.sample(rng);
      assertThat(s.decode(s.encode(x))).isEqualTo(x);
      Architecture m = s.mutate(x, rng);
      assertThat(s.violation(m)).isEmpty();
      String opt = s.values(x).get("optimizer");
      assertThat(s.values(x).containsKey("optimizer.sgd.momentum")).isEqualTo(opt.equals("sgd"));
    }
    // 1000 learning rates x 2 batch sizes x (1000 x 2 + 1000 + 1)
    assertThat(s.size()).isEqualTo(java.math.BigInteger.valueOf(1000L * 2 * 3001));
  }

  @Test
  void badDistributionsAreRejectedNamingTheField() {
    record Bad(String yaml, String field, String words) {}
    for (Bad b : List.of(
        new Bad("parameters: {lr: {uniform: [0.5, 0.1]}}", "parameters.lr.uniform", "low < high"),
        new Bad("parameters: {lr: {log_uniform: [0, 0.1]}}", "parameters.lr.log_uniform", "low > 0"),
        new Bad("parameters: {lr: {log_uniform: [-1, 0.1]}}", "parameters.lr.log_uniform", "low > 0"),
        new Bad("parameters: {lr: {gauss: [0, 1]}}", "parameters.lr", "unknown distribution 'gauss' (valid: uniform, log_uniform, normal, integer, choice)"),
        new Bad("parameters: {lr: {normal: [0, 0]}}", "parameters.lr.normal", "std > 0"),
        new Bad("parameters: {n: {integer: [1.5, 3]}}", "parameters.n.integer", "two integers"),
        new Bad("parameters: {n: {uniform: [1]}}", "parameters.n.uniform", "two finite numbers"),
        new Bad("parameters: {o: {choice: {sgd: {m: {uniform: [1, 0]}}}}}", "parameters.o.choice.sgd.m.uniform", "low < high"),
        new Bad("parameters: {o: [a, b, a]}", "parameters.o[2]", "repeats option 'a'"),
        new Bad("parameters: {x: {uniform: [1, 1.000000000000001]}}", "parameters.x.uniform", "too narrow"),
        new Bad("parameters: {}", "parameters", "non-empty"),
        new Bad("parameters: {lr: 0.1}\nquantiles: 1", "quantiles", "2..100000"))) {
      assertThatThrownBy(() -> of(b.yaml()))
          .as(b.yaml())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(b.words())
          .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo(b.field()));
    }
  }

  @Test
  void theFixedArchitectureIsReadAndChecked() {
    HyperparameterSpace s = of("""
        architecture: {space: {name: nasbench201, params: {cells_per_stage: 1}}, string: "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"}
        parameters: {lr: [0.1, 0.05]}
        """);
    var fixed = s.architecture().orElseThrow();
    assertThat(fixed.space()).isInstanceOf(NasBench201Space.class);
    assertThat(fixed.string()).isEqualTo("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|");
    assertThatThrownBy(() -> of("""
        architecture: {space: nasbench201, string: "|bogus~0|"}
        parameters: {lr: [0.1]}
        """))
        .isInstanceOf(BadInputException.class)
        .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("architecture.string"));
  }
}
