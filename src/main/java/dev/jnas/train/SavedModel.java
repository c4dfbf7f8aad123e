package dev.jnas.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.data.BatchLoader;
import dev.jnas.data.ImageDataset;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained model loaded from the folder {@link TrainingEvaluator#trainFinal} saved it to (an
 * experiment's {@code best/}), with nothing else: {@code model.json} names the search space and its
 * parameters, the canonical architecture, the input shape, the normalisation and the class names,
 * and {@code model-NNNN.params} holds the weights (DJL's format). Not for concurrent use; close it
 * to free the native memory.
 *
 * <pre>{@code
 * try (SavedModel m = SavedModel.load(Path.of("experiments/quickstart/best"))) {
 *   SavedModel.Predictions p = m.predict(images); // raw pixels, normalised here as in training
 *   String first = m.classNames().get(p.classes()[0]);
 * }
 * }</pre>
 */
public final class SavedModel implements AutoCloseable {
  /** The description file in a saved model's folder. */
  public static final String INFO_FILE = "model.json";
  /** Version of {@code model.json}'s layout. */
  static final int FORMAT = 1;
  private static final int BATCH = 500;

  private final Model model;
  private final JsonNode info;
  private final SearchSpace space;
  private final Architecture architecture;
  private final Shape inputShape;
  private final List<String> classNames;
  private final float[] mean;
  private final float[] std;

  private SavedModel(
      Model model, JsonNode info, SearchSpace space, Architecture architecture, Shape inputShape,
      List<String> classNames, float[] mean, float[] std) {
    this.model = model;
    this.info = info;
    this.space = space;
    this.architecture = architecture;
    this.inputShape = inputShape;
    this.classNames = classNames;
    this.mean = mean;
    this.std = std;
  }

  /**
   * Rebuilds the network described by {@code dir/model.json} (space through {@link
   * SearchSpaces#create}, network through {@link ModelBuilders#forSpace}) and loads its weights.
   *
   * @throws BadInputException when the folder, its description or its weights are missing or
   *     unreadable, naming the file and what is wrong
   */
  public static SavedModel load(Path dir) {
    Path file = dir.resolve(INFO_FILE);
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("no saved model in " + dir + " (missing " + INFO_FILE + ")");
    }
    JsonNode info;
    try {
      info = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new BadInputException(file + " is not readable JSON: " + e.getMessage(), e);
    }
    if (info.path("task").asText().equals("language-model")) {
      // a language model's folder (dev.jnas.lm) has a model.json of its own layout
      throw new BadInputException(dir + " holds a language model (space " + info.path("space").asText() + ", " + info.path("architecture").asText()
          + "): export and predict take image classifiers; its weights are " + dir.resolve("weights.params")
          + " (DJL format) and its vocabulary " + dir.resolve("vocabulary.txt"));
    }
    int format = info.path("format").asInt(0);
    if (format != FORMAT) {
      throw new BadInputException(file + ": format " + info.path("format") + " is not the one this jnas reads (" + FORMAT + ")");
    }
    if (!info.path("space").has("params")) {
      throw new BadInputException(file + ": space.params is missing (the model was saved without its space's parameters)");
    }
    SearchSpace space;
    ModelBuilder builder;
    try {
      space = SearchSpaces.fromConfig(info.path("space"));
      builder = ModelBuilders.fromConfig(info.get("model"), space);
    } catch (BadInputException e) {
      throw new BadInputException(file + ": " + e.getMessage(), e);
    }
    Architecture arch = space.decode(text(info, "architecture", file, "architecture"));
    Shape inputShape = new Shape(longs(info, "input_shape", file));
    int numClasses = info.path("num_classes").asInt(0);
    float[] mean = floats(info.path("normalization"), "mean", file);
    float[] std = floats(info.path("normalization"), "std", file);
    if (inputShape.dimension() != 3 || numClasses < 1 || mean.length != inputShape.get(0) || std.length != mean.length) {
      throw new BadInputException(
          file + ": input_shape " + inputShape + ", num_classes " + numClasses + " and normalization ("
              + mean.length + " means, " + std.length + " stds) do not fit together");
    }
    List<String> classNames = new ArrayList<>();
    info.path("class_names").forEach(n -> classNames.add(n.asText()));
    if (classNames.size() != numClasses) {
      throw new BadInputException(file + ": class_names has " + classNames.size() + " names for " + numClasses + " classes");
    }
    Model model = Model.newInstance(TrainingEvaluator.MODEL_NAME);
    try {
      model.setBlock(builder.build(arch, inputShape, numClasses));
      model.load(dir, TrainingEvaluator.MODEL_NAME, Map.of("epoch", info.path("epochs").asInt()));
      return new SavedModel(model, info, space, arch, inputShape, List.copyOf(classNames), mean, std);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      if (e instanceof BadInputException b) {
        throw b;
      }
      throw new BadInputException("cannot load the weights in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field, Path file, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new BadInputException(file + ": " + path + " is missing or not a string");
    }
    return v.asText();
  }

  private static long[] longs(JsonNode node, String field, Path file) {
    JsonNode v = node.path(field);
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).asLong();
    }
    if (!v.isArray() || out.length == 0) {
      throw new BadInputException(file + ": " + field + " is missing or not a list of numbers");
    }
    return out;
  }

  private static float[] floats(JsonNode node, String field, Path file) {
    JsonNode v = node.path(field);
    if (!v.isArray() || v.isEmpty()) {
      throw new BadInputException(file + ": normalization." + field + " is missing or not a list of numbers");
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  /** Classes (the index of the highest score; ties: the lower index) and class probabilities. */
  public record Predictions(int[] classes, float[][] probabilities) {
    /** Share of {@code labels} predicted right. */
    public double accuracy(int[] labels) {
      if (labels.length != classes.length) {
        throw new IllegalArgumentException(labels.length + " labels for " + classes.length + " predictions");
      }
      long right = 0;
      for (int i = 0; i < labels.length; i++) {
        right += classes[i] == labels[i] ? 1 : 0;
      }
      return labels.length == 0 ? Double.NaN : (double) right / labels.length;
    }
  }

  /** Predicts every image of {@code images} (their labels are ignored), normalised as in training. */
  public Predictions predict(ImageDataset images) {
    checkShape(images.channels(), images.height(), images.width(), images.name());
    int n = images.size();
    int[] classes = new int[n];
    float[][] probabilities = new float[n][];
    int done = 0;
    try (BatchLoader.Epoch it = new BatchLoader(images, BATCH, false, false, 0, mean, std).epoch(0)) {
      while (it.hasNext()) {
        BatchLoader.HostBatch b = it.next();
        try (NDManager m = model.getNDManager().newSubManager()) {
          done = classify(b.images(m), classes, probabilities, done);
        }
      }
    }
    return new Predictions(classes, probabilities);
  }

  /**
   * Predicts a batch of raw images: {@code (N, C, H, W)} pixel values in 0..255 of any numeric
   * type, normalised here as in training. {@code pixels} stays the caller's.
   */
  public Predictions predict(NDArray pixels) {
    Shape s = pixels.getShape();
    if (s.dimension() != 4) {
      throw new BadInputException("images must be (N, C, H, W), got " + s);
    }
    checkShape(s.get(1), s.get(2), s.get(3), "the images");
    int n = Math.toIntExact(s.get(0));
    int[] classes = new int[n];
    float[][] probabilities = new float[n][];
    try (NDManager m = model.getNDManager().newSubManager()) {
      Shape perChannel = new Shape(1, mean.length, 1, 1);
      NDArray x =
          pixels.toDevice(m.getDevice(), true).toType(DataType.FLOAT32, true).div(255f)
              .sub(m.create(mean, perChannel)).div(m.create(std, perChannel));
      x.attach(m);
      classify(x, classes, probabilities, 0);
    }
    return new Predictions(classes, probabilities);
  }

  private void checkShape(long c, long h, long w, String what) {
    if (c != inputShape.get(0) || h != inputShape.get(1) || w != inputShape.get(2)) {
      throw new BadInputException(
          what + " are " + c + "x" + h + "x" + w + " (CxHxW), the model takes " + inputShape.get(0) + "x"
              + inputShape.get(1) + "x" + inputShape.get(2));
    }
  }

  /** Fills rows {@code from..} of the outputs with the predictions for {@code x}; returns the next row. */
  private int classify(NDArray x, int[] classes, float[][] probabilities, int from) {
    NDManager m = x.getManager();
    NDArray logits = model.getBlock().forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    int k = classNames.size();
    float[] lp = logits.logSoftmax(1).toFloatArray();
    int rows = lp.length / k;
    for (int i = 0; i < rows; i++) {
      classes[from + i] = TrainingLoop.argMax(lp, i * k, k);
      float[] p = new float[k];
      for (int c = 0; c < k; c++) {
        p[c] = (float) Math.exp(lp[i * k + c]);
      }
      probabilities[from + i] = p;
    }
    return from + rows;
  }

  /** Everything {@code model.json} says (space, architecture, normalisation, training settings, test accuracy, ...). */
  public JsonNode info() {
    return info.deepCopy();
  }

  public SearchSpace space() {
    return space;
  }

  public Architecture architecture() {
    return architecture;
  }

  /** One example's shape {@code (C, H, W)}. */
  public Shape inputShape() {
    return inputShape;
  }

  public List<String> classNames() {
    return classNames;
  }

  /** Per-channel mean of the normalisation, on the pixel / 255 scale. */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-channel standard deviation of the normalisation, on the pixel / 255 scale. */
  public float[] std() {
    return std.clone();
  }

  /** The DJL model (block and weights), for uses beyond {@link #predict}; closed with this. */
  public Model model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
  }
}
