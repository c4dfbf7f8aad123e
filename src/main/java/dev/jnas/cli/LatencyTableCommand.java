package dev.jnas.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.oneshot.LatencyMeasurer;
import dev.jnas.oneshot.LatencyTable;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jnas latency-table}: measures a supernet's latency table on this machine (ProxylessNAS's
 * latency term), and compares the latency it predicts for architectures with their stand-alone
 * networks measured end to end.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "latency-table",
    description = {
      "Measure the inference latency of every candidate op of a space's supernet at its input shape"
          + " (warm-up, then the median of repeats) and write the table ProxylessNAS's latency loss uses.",
      "With --predict, print the latency the table predicts for architectures next to their stand-alone"
          + " networks measured end to end; --table FILE does that with an existing table."
    })
final class LatencyTableCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--space", description = "search space with a supernet: " + Supernets.SUPPORTED)
  String space;

  @Option(names = "--space-params", description = "the space's parameters as JSON, e.g. '{\"cells_per_stage\":1,\"channels\":16}'")
  String spaceParams;

  @Option(names = "--dataset", description = "input shape and classes of a dataset: fashion-mnist (1x28x28) or cifar10 (3x32x32) (default: fashion-mnist)")
  String dataset;

  @Option(names = "--input-shape", paramLabel = "C,H,W", description = "one example's shape instead of --dataset's, e.g. 3,32,32 (needs --classes)")
  String inputShape;

  @Option(names = "--classes", description = "number of classes with --input-shape")
  Integer classes;

  @Option(names = "--batch", defaultValue = "1", description = "examples per forward pass (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--threads", defaultValue = "1", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE}; with --table: the table's)")
  int threads;

  @Option(names = "--warmup", defaultValue = "5", description = "untimed forward passes before each measurement (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--repeats", defaultValue = "20", description = "timed forward passes; a latency is their median (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--calibration", defaultValue = "3", description = "sampled architectures measured end to end to calibrate the fixed part (default: ${DEFAULT-VALUE})")
  int calibration;

  @Option(names = "--out", paramLabel = "FILE", description = "measure a table and write it to FILE (JSON)")
  Path out;

  @Option(names = "--table", paramLabel = "FILE", description = "use this table instead of measuring one (with --predict)")
  Path table;

  @Option(names = "--predict", paramLabel = "ARCH", description = "an architecture (space's string form) whose predicted and measured latency to print; repeatable")
  List<String> predict = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if ((out == null) == (table == null)) {
      throw new BadInputException("give --out FILE to measure a table, or --table FILE to predict with an existing one");
    }
    return out != null ? measure() : predictWithTable();
  }

  private int measure() throws Exception {
    if (space == null) {
      throw new BadInputException("--space is required to measure a table (valid: " + Supernets.SUPPORTED + ")");
    }
    if (Files.isDirectory(out)) {
      throw new BadInputException("--out " + out + " is a folder; give a file name");
    }
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null && Files.exists(dir) && !Files.isWritable(dir)) {
      throw new BadInputException("--out " + out + ": folder " + dir + " is not writable");
    }
    LatencyMeasurer measurer = new LatencyMeasurer(new LatencyMeasurer.Settings(batch, warmup, repeats, calibration));
    TrainingBenchmark.DatasetShape data = inputShape == null ? dataset() : null;
    Shape shape = data != null ? data.imageShape() : parseShape(inputShape);
    int k = data != null ? data.classes() : classes;
    TrainingBenchmark.requestThreads(threads); // before anything starts the engine
    JsonNode params = JsonFlags.object("--space-params", spaceParams);
    SearchSpace s = SearchSpaces.create(space, params);
    List<Architecture> archs = decode(s);
    Supernet net = supernet(s, shape, k);
    startEngine(threads);
    long t0 = System.nanoTime();
    LatencyTable t;
    try (Model m = Model.newInstance("latency-table")) {
      m.setBlock(net.block());
      net.block().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(batch).addAll(shape));
      t = measurer.measure(net, params);
    }
    t.write(out);
    PrintWriter o = spec.commandLine().getOut();
    summary(o, t);
    o.printf(Locale.ROOT, "written to %s (%.1f s)%n", out, (System.nanoTime() - t0) / 1e9);
    predictions(o, t, net, s, measurer, archs);
    return 0;
  }

  private int predictWithTable() throws Exception {
    for (String f : new String[] {"--space", "--space-params", "--dataset", "--input-shape", "--classes", "--batch", "--out"}) {
      if (matched(f)) {
        throw new BadInputException(f + " cannot be used with --table: the table says what it was measured for");
      }
    }
    if (predict.isEmpty()) {
      throw new BadInputException("--table needs --predict ARCH (an architecture to predict)");
    }
    LatencyTable t = LatencyTable.read(table);
    LatencyTable.Meta meta = t.meta();
    int n = matched("--threads") ? threads : meta.threads();
    LatencyMeasurer measurer = new LatencyMeasurer(new LatencyMeasurer.Settings(meta.batch(), warmup, repeats, calibration));
    TrainingBenchmark.requestThreads(n);
    SearchSpace s = SearchSpaces.create(meta.space(), meta.spaceParams().isEmpty() ? null : meta.spaceParams());
    List<Architecture> archs = decode(s);
    Shape shape = new Shape(meta.inputShape().stream().mapToLong(Long::longValue).toArray());
    Supernet net = supernet(s, shape, meta.classes());
    t.mismatch(net).ifPresent(m -> {
      throw new BadInputException("latency table " + table + " does not fit its own space: " + m);
    });
    startEngine(n);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "latency table %s: %s, input %s, batch %d, threads %d, %s, measured %s%n",
        table, meta.space(), dims(meta.inputShape()), meta.batch(), meta.threads(), meta.device(), meta.measuredAt());
    predictions(o, t, net, s, measurer, archs);
    return 0;
  }

  private boolean matched(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private TrainingBenchmark.DatasetShape dataset() {
    if (classes != null) {
      throw new BadInputException("--classes goes with --input-shape (a dataset has its own classes)");
    }
    return TrainingBenchmark.DatasetShape.parse(dataset == null ? "fashion-mnist" : dataset);
  }

  private Shape parseShape(String text) {
    if (dataset != null) {
      throw new BadInputException("give --dataset or --input-shape, not both");
    }
    if (classes == null || classes < 1) {
      throw new BadInputException("--input-shape needs --classes K (K >= 1)" + (classes == null ? "" : ", got " + classes));
    }
    String[] parts = text.split(",", -1);
    long[] dims = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        dims[i] = Long.parseLong(parts[i].trim());
        if (dims[i] < 1) {
          throw new NumberFormatException();
        }
      }
    } catch (NumberFormatException e) {
      dims = null;
    }
    if (dims == null || dims.length != 3) {
      throw new BadInputException("--input-shape: expected C,H,W (three positive integers), got '" + text + "'");
    }
    return new Shape(dims);
  }

  private List<Architecture> decode(SearchSpace s) {
    List<Architecture> out = new ArrayList<>();
    for (String a : predict) {
      out.add(s.decode(a));
    }
    return out;
  }

  private static Supernet supernet(SearchSpace s, Shape shape, int classes) {
    try {
      return Supernets.create(s, shape, classes);
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException("cannot build the supernet of " + s.name() + " for input " + shape + ": " + e.getMessage());
    }
  }

  /** Starts the engine with {@code threads} (a test JVM may have started it with another count). */
  private static void startEngine(int threads) {
    Engine.getInstance();
    if (JniUtils.getNumThreads() != threads) {
      JniUtils.setNumThreads(threads);
    }
  }

  private static void summary(PrintWriter o, LatencyTable t) {
    LatencyTable.Meta m = t.meta();
    o.printf(Locale.ROOT, "latency table of %s %s: input %s, batch %d, threads %d, %s, %s%n",
        m.space(), m.spaceParams(), dims(m.inputShape()), m.batch(), m.threads(), m.device(), m.engine());
    int candidates = t.ops().stream().mapToInt(op -> op.latencyMs().size()).sum();
    o.printf(Locale.ROOT,
        "  %d mixed ops, %d candidates: %d distinct timed (median of %d after %d warm-up), the rest reused;"
            + " zero and identity count 0%n",
        t.ops().size(), candidates, m.distinctMeasured(), m.repeats(), m.warmup());
    double[][] sums = t.latencySums();
    double fastest = t.fixedMs();
    double slowest = t.fixedMs();
    for (int l = 0; l < sums.length; l++) {
      StringBuilder b = new StringBuilder();
      double lo = Double.MAX_VALUE;
      double hi = 0;
      for (int k = 0; k < sums[l].length; k++) {
        b.append(String.format(Locale.ROOT, " %s %.3f", t.labels().get(l).options().get(k), sums[l][k]));
        lo = Math.min(lo, sums[l][k]);
        hi = Math.max(hi, sums[l][k]);
      }
      fastest += lo;
      slowest += hi;
      o.printf(Locale.ROOT, "  %s (ms, all its ops):%s%n", t.labels().get(l).name(), b);
    }
    o.printf(Locale.ROOT, "  fixed part %.3f ms (calibrated on %d sampled architectures); predicted range %.3f .. %.3f ms%n",
        t.fixedMs(), t.calibration().size(), fastest, slowest);
  }

  private static void predictions(
      PrintWriter o, LatencyTable t, Supernet net, SearchSpace s, LatencyMeasurer measurer, List<Architecture> archs) {
    for (Architecture a : archs) {
      double predicted = t.predictedLatency(a, net);
      double measured = measurer.measureStandalone(net, a);
      o.printf(Locale.ROOT, "%s: predicted %.3f ms, measured end to end %.3f ms (%+.1f %%)%n",
          s.encode(a), predicted, measured, 100 * (predicted - measured) / measured);
    }
  }

  private static String dims(List<Long> shape) {
    return shape.stream().map(String::valueOf).reduce((x, y) -> x + "x" + y).orElse("");
  }
}
