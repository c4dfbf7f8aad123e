package dev.jnas.oneshot;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.model.MixedOp;
import dev.jnas.model.Supernet;
import dev.jnas.model.Supernets;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a {@link LatencyTable} on this machine: every candidate block of every mixed op of an
 * initialised supernet, alone, at the op's input shape, in inference mode (no autograd, batch norm
 * on its running statistics) on the engine's default device. Each latency is the median of {@code
 * repeats} timed forward passes after {@code warmup} untimed ones.
 *
 * <p>Identical candidates (same option, input shape and parameter shapes: the repeated cells of
 * NAS-Bench-201 apply the same op at the same shape) are timed once and the latency reused; {@link
 * LatencyTable.Meta#distinctMeasured()} says how many were timed. Zero and identity candidates
 * compute nothing and get 0. The fixed part is calibrated end to end on {@code calibration} sampled
 * architectures (see {@link LatencyTable}).
 *
 * <p>libtorch's thread count matters and is process-wide; set it before the engine starts (the CLI's
 * {@code --threads}). The input is a fixed pattern from {@link Rng}, so measuring touches no global
 * random state.
 */
public final class LatencyMeasurer {
  /**
   * How to measure.
   *
   * @param batch examples per forward pass
   * @param warmup untimed forward passes before each measurement
   * @param repeats timed forward passes; the latency is their median
   * @param calibration sampled architectures whose end-to-end latency calibrates the fixed part
   */
  public record Settings(int batch, int warmup, int repeats, int calibration) {
    public Settings {
      check(batch >= 1, "--batch must be >= 1, got " + batch);
      check(warmup >= 0, "--warmup must be >= 0, got " + warmup);
      check(repeats >= 1, "--repeats must be >= 1, got " + repeats);
      check(calibration >= 1, "--calibration must be >= 1, got " + calibration);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new BadInputException(message);
      }
    }
  }

  private final Settings settings;

  public LatencyMeasurer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Creates {@code space}'s supernet for {@code inputShape} ({@code C, H, W}), initialises it with
   * random weights, measures its table and frees it.
   *
   * @param spaceParams the space's parameters, recorded in the table (null: {@code {}})
   * @throws BadInputException when the space has no supernet
   */
  public LatencyTable measure(SearchSpace space, JsonNode spaceParams, Shape inputShape, int classes) {
    Supernet net = Supernets.create(space, inputShape, classes);
    try (Model m = Model.newInstance("latency-supernet")) {
      m.setBlock(net.block());
      net.block().initialize(m.getNDManager(), DataType.FLOAT32, batched(inputShape));
      return measure(net, spaceParams);
    }
  }

  /**
   * Measures the table of {@code net}, whose block is initialised.
   *
   * @param spaceParams the space's parameters, recorded in the table (null: {@code {}})
   */
  public LatencyTable measure(Supernet net, JsonNode spaceParams) {
    if (!net.block().isInitialized()) {
      throw new IllegalStateException("initialise the supernet's block before measuring it");
    }
    List<LatencyTable.Label> labels = new ArrayList<>();
    for (Supernet.Label l : net.labels()) {
      labels.add(new LatencyTable.Label(l.name(), l.options()));
    }
    Map<String, Double> timed = new HashMap<>();
    List<LatencyTable.OpLatency> ops = new ArrayList<>();
    for (MixedOp op : net.mixedOps()) {
      List<Double> lat = new ArrayList<>();
      for (MixedOp.Candidate c : op.candidates()) {
        if (c.kind() != MixedOp.Kind.BLOCK) {
          lat.add(0.0); // zero and identity compute nothing in the stand-alone network
          continue;
        }
        lat.add(timed.computeIfAbsent(identity(c, op.inputShape()), k -> forwardMillis(c.block(), op.inputShape())));
      }
      ops.add(new LatencyTable.OpLatency(op.id(), op.label(), LatencyTable.shapeList(op.inputShape().getShape()), lat));
    }
    Engine engine = Engine.getInstance();
    LatencyTable.Meta meta =
        new LatencyTable.Meta(
            net.space().name(),
            spaceParams == null ? Json.MAPPER.createObjectNode() : spaceParams,
            LatencyTable.shapeList(net.inputShape().getShape()),
            net.numClasses(),
            settings.batch(),
            JniUtils.getNumThreads(),
            settings.warmup(),
            settings.repeats(),
            timed.size(),
            engine.defaultDevice().toString(),
            engine.getEngineName() + " " + engine.getVersion(),
            System.getProperty("os.arch"),
            System.getProperty("os.name"),
            Runtime.getRuntime().availableProcessors(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    LatencyTable candidatesOnly = new LatencyTable(LatencyTable.FORMAT, meta, labels, ops, 0, List.of());
    List<LatencyTable.Calibration> calibration = new ArrayList<>();
    double[] residuals = new double[settings.calibration()];
    Rng rng = Rng.of(0); // the same architectures on every machine
    for (int i = 0; i < settings.calibration(); i++) {
      Architecture a = net.space().sample(rng);
      double measured = measureStandalone(net, a);
      double candidates = candidatesOnly.predictedLatency(a, net);
      calibration.add(new LatencyTable.Calibration(net.space().encode(a), measured, candidates));
      residuals[i] = measured - candidates;
    }
    return new LatencyTable(LatencyTable.FORMAT, meta, labels, ops, median(residuals), calibration);
  }

  /**
   * The median end-to-end milliseconds of {@code arch}'s stand-alone network ({@code
   * net.builder()}, random weights) for the supernet's input shape and classes.
   */
  public double measureStandalone(Supernet net, Architecture arch) {
    Block standalone = net.builder().build(arch, net.inputShape(), net.numClasses());
    try (Model m = Model.newInstance("latency-standalone")) {
      m.setBlock(standalone);
      standalone.initialize(m.getNDManager(), DataType.FLOAT32, batched(net.inputShape()));
      return measureEndToEnd(standalone, net.inputShape(), settings.batch());
    }
  }

  /**
   * The median milliseconds of one inference forward pass of an initialised network on a batch of
   * {@code batch} examples of shape {@code inputShape} ({@code C, H, W}).
   */
  public double measureEndToEnd(Block standalone, Shape inputShape, int batch) {
    return forwardMillis(standalone, inputShape, batch);
  }

  private double forwardMillis(Block block, Shape example) {
    return forwardMillis(block, example, settings.batch());
  }

  private double forwardMillis(Block block, Shape example, int batch) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager im = NDManager.newBaseManager()) {
      Shape shape = new Shape(batch).addAll(example);
      float[] values = new float[Math.toIntExact(shape.size())];
      Rng rng = Rng.of(1);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (rng.nextDouble() * 2 - 1);
      }
      NDArray x = im.create(values, shape);
      ParameterStore store = new ParameterStore(im, false);
      boolean gpu = im.getDevice().isGpu();
      double[] millis = new double[settings.repeats()];
      for (int i = 0; i < settings.warmup() + settings.repeats(); i++) {
        try (NDManager step = im.newSubManager()) {
          x.tempAttach(step); // outputs go to the input's manager, freed with step; x returns to im
          long t0 = System.nanoTime();
          NDList out = block.forward(store, new NDList(x), false);
          if (gpu) {
            out.forEach(NDArray::toByteBuffer); // waits for the device; CPU ops are synchronous
          }
          long t = System.nanoTime() - t0;
          if (i >= settings.warmup()) {
            millis[i - settings.warmup()] = t / 1e6;
          }
        }
      }
      return median(millis);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** A key equal for candidates that compute the same thing at the same cost. */
  private static String identity(MixedOp.Candidate c, Shape input) {
    StringBuilder b = new StringBuilder(c.name()).append('@').append(input);
    for (Pair<String, Parameter> p : c.block().getParameters()) {
      b.append(';').append(p.getKey()).append(p.getValue().getArray().getShape());
    }
    return b.toString();
  }

  private Shape batched(Shape example) {
    return new Shape(settings.batch()).addAll(example);
  }

  /** The median; the mean of the two middle values for an even count. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }
}
