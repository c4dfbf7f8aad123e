package dev.jnas.cli;

import dev.jnas.data.FashionMnist;
import dev.jnas.data.TrainTestData;
import dev.jnas.morph.MorphismBenchmark;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.train.TrainingEvaluator;
import dev.jnas.train.TrainingSettings;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnas bench morphisms}: what each network morphism keeps of a trained parent on Fashion-MNIST. */
@Command(
    name = "morphisms",
    mixinStandardHelpOptions = true,
    description =
        "Train a small conv net on Fashion-MNIST, apply each network morphism (deepen, widen, skip: exact;"
            + " shrink, remove: approximate) and report each child's validation accuracy before training,"
            + " after a short fine-tuning from the inherited weights, and after the same training from scratch.")
final class BenchMorphismsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data-dir", description = "folder of the Fashion-MNIST IDX files (default: " + "/usr/share/datasets/fashion-mnist)")
  Path dataDir;

  @Option(names = "--images", defaultValue = "10000", description = "training images (default: ${DEFAULT-VALUE}); validation: 6,000 held-out training images")
  int images;

  @Option(names = "--epochs", defaultValue = "2", description = "the parent's training epochs (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--fine-tune", defaultValue = "1", description = "each child's training epochs (default: ${DEFAULT-VALUE})")
  int fineTune;

  @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Override
  public Integer call() {
    if (images < 100 || epochs < 1 || fineTune < 1 || threads < 1) {
      throw new BadInputException("bench morphisms needs --images >= 100, --epochs >= 1, --fine-tune >= 1, --threads >= 1");
    }
    TrainingBenchmark.requestThreads(threads);
    TrainTestData data = dataDir == null ? FashionMnist.load() : FashionMnist.load(dataDir);
    TrainingSettings settings = TrainingSettings.DEFAULTS.withTrainSubset(images);
    // no model builder: the benchmark builds its networks itself and trains them with trainBlock
    TrainingEvaluator evaluator = new TrainingEvaluator(null, data.train(), null, settings);
    MorphismBenchmark.Result r = MorphismBenchmark.run(evaluator, epochs, fineTune, seed);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "parent %s%n", MorphismBenchmark.PARENT);
    out.printf(Locale.ROOT, "trained %d epochs on %,d Fashion-MNIST images: validation accuracy %.4f (%,d images); each child trained %d epoch(s)%n",
        r.epochs(), evaluator.trainSize(), r.parentAccuracy(), evaluator.valSize(), r.fineTune());
    out.printf(Locale.ROOT, "%-40s %9s %10s %10s %10s%n", "morphism", "params", "inherited", "fine-tuned", "scratch");
    for (MorphismBenchmark.Row row : r.rows()) {
      String name = row.morphism() == null ? "(none: the parent trained on)" : row.morphism().toString();
      out.printf(Locale.ROOT, "%-40s %,9d %10.4f %10.4f %10.4f%n", name,
          row.params(), row.inherited(), row.fineTuned(), row.scratch());
    }
    out.printf(Locale.ROOT, "%.1f s%n", r.seconds());
    return 0;
  }
}
