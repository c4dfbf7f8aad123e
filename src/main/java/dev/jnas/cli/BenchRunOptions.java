package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags of a training speed benchmark on synthetic data ({@code bench train}, {@code bench
 * supernet}): one set, so that bench/compare.sh can pass the same to every side.
 */
final class BenchRunOptions {
  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "image shape: fashion-mnist (1x28x28) or cifar10 (3x32x32) (default: ${DEFAULT-VALUE})")
  String dataset;

  @Option(names = "--batch", defaultValue = "128", description = "images per step (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--steps", defaultValue = "50", description = "timed steps (default: ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--warmup", defaultValue = "5", description = "untimed steps first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Option(names = "--profile", paramLabel = "FILE", description = "write libtorch's operator profile of the timed training steps to FILE (Chrome trace JSON; summarise with bench/profile_ops.py)")
  Path profile;

  /**
   * Asks libtorch for the threads (before anything can start the engine: it reads the count
   * once), refuses a {@code --profile} file whose folder cannot be written, and reads the dataset.
   */
  TrainingBenchmark.DatasetShape start() {
    TrainingBenchmark.requestThreads(threads);
    TrainingBenchmark.DatasetShape shape = TrainingBenchmark.DatasetShape.parse(dataset);
    if (profile != null) {
      Path dir = profile.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new BadInputException("--profile " + profile + ": folder " + dir + " does not exist or is not writable");
      }
    }
    return shape;
  }

  /** The fields of a {@code --json} result that describe the run, in the order both benchmarks print them. */
  static void putRun(ObjectNode o, String dataset, int batch, int steps, int warmup, int threads) {
    o.put("dataset", dataset);
    o.put("batch", batch);
    o.put("steps", steps);
    o.put("warmup", warmup);
    o.put("threads", threads);
  }
}
