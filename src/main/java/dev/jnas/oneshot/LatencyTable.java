package dev.jnas.oneshot;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.jnas.model.MixedOp;
import dev.jnas.model.Supernet;
import dev.jnas.space.Architecture;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Measured inference latencies of a supernet's candidate ops on one machine (ProxylessNAS's
 * latency lookup table): for every mixed op ({@link MixedOp#id()}) and candidate, the median
 * milliseconds of that candidate alone at the op's input shape, plus a {@link #fixedMs() fixed}
 * part for everything outside the mixed ops. A network's latency is predicted additively:
 * {@code fixed + sum over mixed ops of the latency of the candidates its path takes}.
 *
 * <p>A zero candidate ({@code none}) and an identity ({@code skip_connect}) compute nothing in the
 * stand-alone network, so their latency is 0 by definition, not measured.
 *
 * <p>The fixed part is calibrated rather than measured in pieces: it is the median, over a few
 * sampled architectures ({@link #calibration()}), of the stand-alone network's measured end-to-end
 * latency minus the sum of its candidates' table latencies. It thus holds the stem, reductions and
 * classifier, and also what the candidates' isolated timings miss (the additions that join a
 * cell's edges, dispatch between ops), on average; it may be negative where isolated timings
 * overstate the ops. It is a constant, so it does not change ProxylessNAS's gradients.
 *
 * @param format {@link #FORMAT}, so that another JSON file is recognised as not a table
 * @param meta where and how the table was measured
 * @param labels the supernet's decisions with their options, in label order
 * @param ops per mixed op, in {@link MixedOp#id()} order
 * @param fixedMs the latency of the network outside the mixed ops, as described above
 * @param calibration the architectures the fixed part was calibrated on
 */
public record LatencyTable(
    @JsonProperty("format") String format,
    @JsonProperty("meta") Meta meta,
    @JsonProperty("labels") List<Label> labels,
    @JsonProperty("ops") List<OpLatency> ops,
    @JsonProperty("fixed_ms") double fixedMs,
    @JsonProperty("calibration") List<Calibration> calibration) {

  /** The value of {@link #format()}; a later incompatible layout gets another. */
  public static final String FORMAT = "jnas-latency-table/1";

  /**
   * Where and how the table was measured.
   *
   * @param space the search space's name
   * @param spaceParams the space's parameters as given ({@code {}} for the defaults)
   * @param inputShape one example's shape {@code [C, H, W]}
   * @param classes the network's number of classes
   * @param batch examples per forward pass
   * @param threads libtorch's intra-op threads while measuring
   * @param warmup untimed forward passes before each measurement
   * @param repeats timed forward passes; a latency is their median
   * @param distinctMeasured candidates actually timed: identical candidates (same op, input shape
   *     and parameter shapes, as the repeated cells of NAS-Bench-201) are timed once and reused
   * @param device the engine's device, e.g. {@code cpu()}
   * @param engine the engine's name and version, e.g. {@code PyTorch 2.5.1}
   * @param osArch {@code os.arch}
   * @param osName {@code os.name}
   * @param processors the JVM's available processors
   * @param measuredAt when, as an ISO-8601 instant
   */
  public record Meta(
      @JsonProperty("space") String space,
      @JsonProperty("space_params") JsonNode spaceParams,
      @JsonProperty("input_shape") List<Long> inputShape,
      @JsonProperty("classes") int classes,
      @JsonProperty("batch") int batch,
      @JsonProperty("threads") int threads,
      @JsonProperty("warmup") int warmup,
      @JsonProperty("repeats") int repeats,
      @JsonProperty("distinct_measured") int distinctMeasured,
      @JsonProperty("device") String device,
      @JsonProperty("engine") String engine,
      @JsonProperty("os_arch") String osArch,
      @JsonProperty("os_name") String osName,
      @JsonProperty("processors") int processors,
      @JsonProperty("measured_at") String measuredAt) {
    public Meta {
      require(space != null && !space.isEmpty(), "meta.space is missing");
      require(spaceParams != null && spaceParams.isObject(), "meta.space_params must be a JSON object");
      spaceParams = spaceParams.deepCopy();
      require(inputShape != null && inputShape.size() == 3 && inputShape.stream().allMatch(d -> d != null && d > 0),
          "meta.input_shape must be three positive sizes [C, H, W], got " + inputShape);
      inputShape = List.copyOf(inputShape);
      require(classes >= 1, "meta.classes must be >= 1, got " + classes);
      require(batch >= 1, "meta.batch must be >= 1, got " + batch);
      require(threads >= 1, "meta.threads must be >= 1, got " + threads);
      require(warmup >= 0, "meta.warmup must be >= 0, got " + warmup);
      require(repeats >= 1, "meta.repeats must be >= 1, got " + repeats);
    }

    /** A copy: the node is mutable. */
    @Override
    public JsonNode spaceParams() {
      return spaceParams.deepCopy();
    }
  }

  /** A decision of the supernet: its name and options (the candidates of its mixed ops). */
  public record Label(@JsonProperty("name") String name, @JsonProperty("options") List<String> options) {
    public Label {
      require(name != null, "a label has no name");
      require(options != null && !options.isEmpty(), "label " + name + " has no options");
      options = List.copyOf(options);
    }
  }

  /**
   * One mixed op.
   *
   * @param id its {@link MixedOp#id()}
   * @param label the index of its decision in {@link LatencyTable#labels()}
   * @param inputShape its per-example input shape {@code [C, H, W]}
   * @param latencyMs per option of its label, the median milliseconds of that candidate
   */
  public record OpLatency(
      @JsonProperty("id") int id,
      @JsonProperty("label") int label,
      @JsonProperty("input_shape") List<Long> inputShape,
      @JsonProperty("latency_ms") List<Double> latencyMs) {
    public OpLatency {
      require(inputShape != null && !inputShape.isEmpty() && inputShape.stream().allMatch(d -> d != null && d > 0),
          "op " + id + ": input_shape must be positive sizes, got " + inputShape);
      inputShape = List.copyOf(inputShape);
      require(latencyMs != null && !latencyMs.isEmpty(), "op " + id + ": latency_ms is missing");
      for (Double v : latencyMs) {
        require(v != null && Double.isFinite(v) && v >= 0,
            "op " + id + ": latency_ms must be finite and >= 0, got " + latencyMs);
      }
      latencyMs = List.copyOf(latencyMs);
    }
  }

  /**
   * One architecture of the fixed part's calibration.
   *
   * @param arch its canonical string
   * @param measuredMs its stand-alone network's median end-to-end latency
   * @param candidatesMs the sum of its candidates' table latencies
   */
  public record Calibration(
      @JsonProperty("arch") String arch,
      @JsonProperty("measured_ms") double measuredMs,
      @JsonProperty("candidates_ms") double candidatesMs) {
    public Calibration {
      require(arch != null, "a calibration entry has no arch");
      require(Double.isFinite(measuredMs) && Double.isFinite(candidatesMs),
          "calibration of " + arch + ": latencies must be finite");
    }
  }

  public LatencyTable {
    require(FORMAT.equals(format), "not a jnas latency table (format is " + format + ", expected " + FORMAT + ")");
    require(meta != null, "meta is missing");
    require(labels != null && !labels.isEmpty(), "labels are missing");
    labels = List.copyOf(labels);
    require(ops != null && !ops.isEmpty(), "ops are missing");
    ops = List.copyOf(ops);
    for (int i = 0; i < ops.size(); i++) {
      OpLatency op = ops.get(i);
      require(op.id() == i, "ops[" + i + "] has id " + op.id() + ": ops must be listed in id order");
      require(op.label() >= 0 && op.label() < labels.size(),
          "op " + i + ": label " + op.label() + " out of range (" + labels.size() + " labels)");
      int options = labels.get(op.label()).options().size();
      require(op.latencyMs().size() == options,
          "op " + i + ": " + op.latencyMs().size() + " latencies for the " + options + " options of label "
              + labels.get(op.label()).name());
    }
    require(Double.isFinite(fixedMs), "fixed_ms must be finite, got " + fixedMs);
    calibration = calibration == null ? List.of() : List.copyOf(calibration);
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException(what);
    }
  }

  /**
   * Per label and option, the summed latency of that option over the label's mixed ops: {@code
   * expected latency = fixed + sum_l sum_k p[l][k] * sums[l][k]}, so a trainer can build the
   * differentiable term {@code lambda * sum p * sums} on the engine.
   */
  public double[][] latencySums() {
    double[][] s = new double[labels.size()][];
    for (int l = 0; l < s.length; l++) {
      s[l] = new double[labels.get(l).options().size()];
    }
    for (OpLatency op : ops) {
      for (int k = 0; k < op.latencyMs().size(); k++) {
        s[op.label()][k] += op.latencyMs().get(k);
      }
    }
    return s;
  }

  /**
   * The expected latency in milliseconds when every label takes option k with probability {@code
   * probabilitiesPerLabel.get(label)[k]}: {@code fixed + sum_i sum_k p[label(i)][k] * latency[i][k]}
   * (the term ProxylessNAS adds to its loss).
   *
   * @throws IllegalArgumentException when the probabilities do not match the labels
   */
  public double expectedLatency(List<float[]> probabilitiesPerLabel) {
    if (probabilitiesPerLabel.size() != labels.size()) {
      throw new IllegalArgumentException(
          probabilitiesPerLabel.size() + " probability rows for " + labels.size() + " labels");
    }
    double[][] sums = latencySums();
    double total = fixedMs;
    for (int l = 0; l < sums.length; l++) {
      float[] p = probabilitiesPerLabel.get(l);
      if (p.length != sums[l].length) {
        throw new IllegalArgumentException(
            "label " + labels.get(l).name() + " has " + sums[l].length + " options, got " + p.length + " probabilities");
      }
      for (int k = 0; k < p.length; k++) {
        total += p[k] * sums[l][k];
      }
    }
    return total;
  }

  /**
   * The latency in milliseconds the table predicts for {@code arch}'s network: the fixed part plus
   * the candidates its path takes ({@link Supernet#activeFor}) in every mixed op.
   *
   * @throws IllegalArgumentException when {@code net} is not the supernet the table was measured on
   */
  public double predictedLatency(Architecture arch, Supernet net) {
    mismatch(net).ifPresent(m -> {
      throw new IllegalArgumentException("latency table does not fit the supernet: " + m);
    });
    boolean[][] active = net.activeFor(arch);
    double total = fixedMs;
    for (OpLatency op : ops) {
      boolean[] on = active[op.label()];
      for (int k = 0; k < on.length; k++) {
        if (on[k]) {
          total += op.latencyMs().get(k);
        }
      }
    }
    return total;
  }

  /**
   * What keeps this table from describing {@code net}: another space, input shape, number of mixed
   * ops, labels or candidates, or an op at another input shape; empty when it fits.
   */
  public Optional<String> mismatch(Supernet net) {
    if (!meta.space().equals(net.space().name())) {
      return Optional.of("measured for space '" + meta.space() + "', the supernet is of '" + net.space().name() + "'");
    }
    List<Long> shape = shapeList(net.inputShape().getShape());
    if (!meta.inputShape().equals(shape)) {
      return Optional.of("measured for input shape " + meta.inputShape() + ", the supernet takes " + shape);
    }
    if (labels.size() != net.labels().size()) {
      return Optional.of(labels.size() + " labels, the supernet has " + net.labels().size());
    }
    for (int l = 0; l < labels.size(); l++) {
      Supernet.Label want = net.labels().get(l);
      Label have = labels.get(l);
      if (!have.name().equals(want.name()) || !have.options().equals(want.options())) {
        return Optional.of("label " + l + " is " + have.name() + " " + have.options() + ", the supernet's is "
            + want.name() + " " + want.options());
      }
    }
    List<MixedOp> mixed = net.mixedOps();
    if (ops.size() != mixed.size()) {
      return Optional.of(ops.size() + " mixed ops, the supernet has " + mixed.size()
          + " (other space parameters?)");
    }
    for (int i = 0; i < ops.size(); i++) {
      MixedOp m = mixed.get(i);
      List<Long> in = shapeList(m.inputShape().getShape());
      if (ops.get(i).label() != m.label() || !ops.get(i).inputShape().equals(in)) {
        return Optional.of("mixed op " + i + " has label " + ops.get(i).label() + " and input shape "
            + ops.get(i).inputShape() + ", the supernet's has label " + m.label() + " and input shape " + in);
      }
    }
    return Optional.empty();
  }

  static List<Long> shapeList(long[] dims) {
    List<Long> out = new ArrayList<>(dims.length);
    for (long d : dims) {
      out.add(d);
    }
    return out;
  }

  /** Writes the table as JSON, atomically (a crash leaves the old file or the new one). */
  public void write(Path file) {
    AtomicFiles.writeJson(file, Json.MAPPER.valueToTree(this));
  }

  // every field must be present, and present numbers must not be null
  private static final ObjectReader READER =
      Json.MAPPER
          .readerFor(LatencyTable.class)
          .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

  /**
   * Reads a table written by {@link #write}.
   *
   * @throws BadInputException naming the file and what is wrong with it
   */
  public static LatencyTable read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadInputException("latency table " + file + ": cannot read it: " + AtomicFiles.describe(e), e);
    }
    try {
      JsonNode tree = Json.MAPPER.readTree(bytes);
      if (tree == null || !FORMAT.equals(tree.path("format").asText(null))) {
        throw new BadInputException(
            "latency table " + file + ": not a jnas latency table (no \"format\": \"" + FORMAT + "\"); write one with"
                + " jnas latency-table --out");
      }
      return READER.readValue(tree);
    } catch (ValueInstantiationException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new BadInputException("latency table " + file + ": " + why.getMessage(), e);
    } catch (JsonMappingException e) {
      String where = path(e);
      throw new BadInputException(
          "latency table " + file + ": " + (where.isEmpty() ? "" : "at " + where + ": ") + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new BadInputException("latency table " + file + ": malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BadInputException("latency table " + file + ": cannot read it: " + AtomicFiles.describe(e), e);
    }
  }

  /**
   * Reads a table and checks that it was measured on a supernet like {@code net}.
   *
   * @throws BadInputException naming the file and what is wrong or does not fit
   */
  public static LatencyTable load(Path file, Supernet net) {
    LatencyTable t = read(file);
    t.mismatch(net).ifPresent(m -> {
      throw new BadInputException("latency table " + file + " does not fit this search: " + m);
    });
    return t;
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }
}
