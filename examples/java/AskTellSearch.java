// Ask/tell, as in Optuna: jnas proposes, your own code evaluates, you tell jnas the result. Here the
// space is declared in code (a hyperparameter space with a conditional decision: momentum matters
// only for SGD) and the evaluation is your own training loop, a logistic regression in plain Java.
// Every trial is stored; run the program again after a crash and the trials it never told come
// back first, with the same seeds.
//
// Run it (after ./jnas has built target/jnas.jar once):
//   java -cp target/jnas.jar examples/java/AskTellSearch.java [folder]

import dev.jnas.api.Experiment;
import dev.jnas.api.Trial;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

public class AskTellSearch {
  public static void main(String[] args) {
    Path folder = Path.of(args.length > 0 ? args[0] : "experiments/ask-tell");
    var decisions = List.of(
        Map.of("name", "optimizer", "options", List.of("sgd", "adagrad")),
        Map.of("name", "learning_rate", "options", List.of(0.001, 0.01, 0.1, 1.0)),
        Map.of("name", "momentum", "options", List.of(0.0, 0.5, 0.9), "when", Map.of("optimizer", List.of("sgd"))),
        Map.of("name", "l2", "options", List.of(0.0, 0.001, 0.01)),
        Map.of("name", "epochs", "options", List.of(1, 3, 10)));
    try (Experiment experiment =
        Experiment.builder()
            .name("ask-tell")
            .folder(folder)
            .seed(5)
            .space("declarative", Map.of("decisions", decisions))
            .strategy("evolution", Map.of("population", 8, "sample", 3))
            .maxTrials(40)
            .open()) { // no evaluator: this program evaluates
      Optional<Trial> next;
      while ((next = experiment.ask()).isPresent()) {
        Trial t = next.get();
        try {
          experiment.tell(t, validationAccuracy(t));
        } catch (RuntimeException e) {
          experiment.fail(t, e.toString());
        }
      }
      Trial best = experiment.best().orElseThrow();
      System.out.printf("%d trials; best %s: validation accuracy %.3f%n",
          experiment.trials().size(), best.decisions(), best.reward().orElseThrow());
    }
  }

  /** Trains a logistic regression with the trial's hyperparameters; returns validation accuracy. */
  static double validationAccuracy(Trial t) {
    boolean sgd = t.decision("optimizer").equals("sgd");
    double lr = Double.parseDouble(t.decision("learning_rate"));
    double momentum = sgd ? Double.parseDouble(t.decision("momentum")) : 0;
    double l2 = Double.parseDouble(t.decision("l2"));
    int epochs = Integer.parseInt(t.decision("epochs"));
    double[][] x = new double[1200][];
    int[] y = new int[x.length];
    SplittableRandom data = new SplittableRandom(42); // the same data for every trial
    for (int i = 0; i < x.length; i++) {
      y[i] = data.nextInt(2);
      x[i] = new double[20];
      for (int j = 0; j < 20; j++) {
        x[i][j] = data.nextGaussian() + (j < 4 ? (y[i] * 2 - 1) * 0.5 : 0);
      }
    }
    double[] w = new double[20];
    double[] velocity = new double[20];
    double[] g2 = new double[20];
    SplittableRandom order = new SplittableRandom(t.seed()); // the trial's own randomness
    for (int e = 0; e < epochs; e++) {
      for (int n = 0; n < 1000; n++) {
        int i = order.nextInt(1000);
        double p = 1 / (1 + Math.exp(-dot(w, x[i])));
        for (int j = 0; j < 20; j++) {
          double grad = (p - y[i]) * x[i][j] + l2 * w[j];
          if (sgd) {
            velocity[j] = momentum * velocity[j] + grad;
            w[j] -= lr * velocity[j];
          } else {
            g2[j] += grad * grad;
            w[j] -= lr * grad / (Math.sqrt(g2[j]) + 1e-8);
          }
        }
      }
    }
    int correct = 0;
    for (int i = 1000; i < x.length; i++) {
      correct += (dot(w, x[i]) > 0 ? 1 : 0) == y[i] ? 1 : 0;
    }
    return correct / 200.0;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }
}
