package dev.jnas.strategy;

import dev.jnas.space.Architecture;
import dev.jnas.space.HyperparameterSpace;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * SHADHO against random search on examples/shadho.yaml's space with a synthetic objective (no
 * training): a smooth validation-accuracy surface of SGD tuning whose best learning rate depends
 * on the SGD variant (plain SGD wants about 0.3, momentum m wants 0.3 (1 - m): the effective step
 * size), with small penalties for weight decay away from 3e-4, batch 256 and non-cosine
 * schedules. Prints mean best accuracy over seeds at each budget and SHADHO's trials per
 * subspace. Run: java -cp target/classes:target/test-classes:DEPS dev.jnas.strategy.ShadhoSyntheticBenchmark
 */
public final class ShadhoSyntheticBenchmark {
  private ShadhoSyntheticBenchmark() {}

  static double objective(Map<String, String> v) {
    double lr = Math.log10(Double.parseDouble(v.get("learning_rate")));
    String opt = v.get("optimizer");
    double m = opt.equals("sgd") ? 0 : Double.parseDouble(v.get("optimizer." + opt + ".momentum"));
    double best = Math.log10(0.3 * (1 - m));
    double acc = 0.93 - 0.08 * (lr - best) * (lr - best) + (opt.equals("nesterov") ? 0.005 : 0);
    acc -= 0.02 * Math.abs(Math.log10(Double.parseDouble(v.get("weight_decay"))) + 3.5);
    acc -= v.get("batch_size").equals("256") ? 0.01 : 0;
    acc -= switch (v.get("schedule")) {
      case "cosine" -> 0;
      case "step" -> 0.005;
      default -> 0.02;
    };
    return Math.max(0.1, acc);
  }

  public static void main(String[] args) throws Exception {
    var cfg = Json.YAML.readTree(Files.readString(Path.of("examples/shadho.yaml")));
    HyperparameterSpace space = HyperparameterSpace.fromParams(cfg.path("space").path("params"));
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int[] budgets = {16, 32, 64};
    for (String name : new String[] {"random", "shadho"}) {
      double[] sum = new double[budgets.length];
      Map<String, Integer> perSubspace = new TreeMap<>();
      for (int seed = 0; seed < seeds; seed++) {
        Strategy s = Strategies.create(name, space, Json.MAPPER.createObjectNode(), seed);
        double best = 0;
        int b = 0;
        for (int t = 1; t <= budgets[budgets.length - 1]; t++) {
          Architecture a = s.ask(1).get(0);
          double r = objective(space.values(a));
          best = Math.max(best, r);
          s.tell(a, OptionalDouble.of(r));
          if (t <= 16) {
            perSubspace.merge(space.values(a).get("optimizer"), 1, Integer::sum);
          }
          if (t == budgets[b]) {
            sum[b++] += best;
          }
        }
      }
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-7s", name));
      for (int b = 0; b < budgets.length; b++) {
        sb.append(String.format(Locale.ROOT, "  best@%d %.4f", budgets[b], sum[b] / seeds));
      }
      sb.append("  trials per subspace in the first 16 (mean): ");
      perSubspace.forEach((k, n) -> sb.append(String.format(Locale.ROOT, "%s %.1f ", k, n / (double) seeds)));
      System.out.println(sb);
    }
  }
}
