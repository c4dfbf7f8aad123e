package dev.jnas.export;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.model.GraphNetwork;
import dev.jnas.model.ModelBuilder;
import dev.jnas.model.ModelBuilders;
import dev.jnas.morph.MorphismSearch;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.train.Checkpoint;
import dev.jnas.train.SavedModel;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gets a trained model out of an experiment folder: its final model ({@code best/}) or a trial
 * whose weights the search kept (a morphism search keeps every trained network's), written as an
 * ONNX file ({@link OnnxExport}) or as a folder DJL and {@link SavedModel#load} read (the weights
 * in DJL's format and {@code model.json}). Reads the experiment and changes nothing in it.
 */
public final class ModelExporter {
  /** The export formats. */
  public enum Format {
    ONNX,
    DJL
  }

  /** The experiment's checkpoint folder (the best trial's last checkpoint outlives its trial). */
  static final String CHECKPOINTS = "checkpoints";
  /** The instructions written next to a DJL export. */
  static final String README = "README.txt";

  /**
   * A trained network ready to be written: the DJL model (block and weights) and its {@code
   * model.json} description (for a trial: best/'s, with the trial's architecture). Close it.
   */
  public static final class Source implements AutoCloseable {
    private final Model model;
    private final ObjectNode info;
    private final Shape inputShape;
    private final List<String> classNames;
    private final float[] mean;
    private final float[] std;
    private final String what;
    private final Path files; // best/ (its weights file is copied as it is), null for a trial

    Source(Model model, ObjectNode info, Shape inputShape, List<String> classNames, float[] mean, float[] std, String what, Path files) {
      this.model = model;
      this.info = info;
      this.inputShape = inputShape;
      this.classNames = classNames;
      this.mean = mean;
      this.std = std;
      this.what = what;
      this.files = files;
    }

    /** The model's {@code model.json} as the export writes it. */
    public JsonNode info() {
      return info.deepCopy();
    }

    public Block block() {
      return model.getBlock();
    }

    public Shape inputShape() {
      return inputShape;
    }

    public List<String> classNames() {
      return classNames;
    }

    /** What is exported, for messages: {@code best/ of <dir>} or {@code trial N of <dir>}. */
    public String what() {
      return what;
    }

    @Override
    public void close() {
      model.close();
    }
  }

  private ModelExporter() {}

  /**
   * The final model of experiment {@code dir} ({@code trial} null), or trial {@code trial}'s
   * network with the weights the search kept. {@code dir} may also be a saved model's folder
   * itself (one holding {@code model.json}).
   *
   * @throws BadInputException naming what is missing: the folder, its final model, the trial, or
   *     the trial's weights (with what to do instead)
   */
  public static Source open(Path dir, Long trial) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " does not exist");
    }
    boolean savedModel = Files.isRegularFile(dir.resolve(SavedModel.INFO_FILE));
    Path best = savedModel ? dir : dir.resolve("best");
    if (trial == null) {
      if (!Files.isRegularFile(best.resolve(SavedModel.INFO_FILE))) {
        throw noFinalModel(dir);
      }
      SavedModel m = SavedModel.load(best);
      ObjectNode info = (ObjectNode) m.info();
      return new Source(m.model(), info, m.inputShape(), m.classNames(), m.mean(), m.std(), "best/ of " + dir, best);
    }
    if (savedModel) {
      throw new BadInputException(dir + " is a saved model, not an experiment folder: --trial needs the experiment");
    }
    TrialRecord t = findTrial(dir, trial);
    Path weights = MorphismSearch.weightsFile(dir, trial);
    Path checkpoint = dir.resolve(CHECKPOINTS).resolve(ExperimentRunner.TRIAL_FOLDER + trial);
    if (!Files.isRegularFile(weights) && Files.isDirectory(checkpoint)) {
      if (!Files.isRegularFile(best.resolve(SavedModel.INFO_FILE))) {
        throw noDescription(trial, best);
      }
      return checkpointSource(dir, best, t, checkpoint);
    }
    if (!Files.isRegularFile(weights) && Files.isDirectory(dir.resolve(MorphismSearch.TRIALS_FOLDER))) {
      throw new BadInputException(
          "trial " + trial + " of morphism search " + dir + " has no kept weights (" + dir.relativize(weights) + " is missing;"
              + " the trial is " + t.status() + "): export a trained trial (jnas show " + dir + " lists them) or best/");
    }
    if (!Files.isRegularFile(weights)) {
      throw new BadInputException(
          "trial " + trial + "'s trained weights are not kept in " + dir + ": morphism searches (strategies"
              + " hill-climbing, lemonade) keep every trained network's (" + dir.relativize(weights) + "), multi-epoch"
              + " training searches the best trial's last checkpoint (" + dir.relativize(checkpoint) + "); the final model"
              + " is kept in best/, retrained from the best architecture: export it by leaving out --trial"
              + (Files.isRegularFile(best.resolve(SavedModel.INFO_FILE)) ? ""
                  : " (this experiment has none: only searches that train networks save one, after their final training)"));
    }
    if (!Files.isRegularFile(best.resolve(SavedModel.INFO_FILE))) {
      throw noDescription(trial, best);
    }
    return trialSource(dir, best, t, weights);
  }

  private static BadInputException noDescription(long trial, Path best) {
    return new BadInputException(
        "trial " + trial + "'s weights are kept, but " + best.resolve(SavedModel.INFO_FILE) + " is missing: it holds the"
            + " space, input shape, normalisation and class names the export needs (the final training writes it)");
  }

  private static BadInputException noFinalModel(Path dir) {
    if (!Files.isRegularFile(dir.resolve(SqliteTrialStore.FILE_NAME))) {
      return new BadInputException(dir + " is neither an experiment folder (no " + SqliteTrialStore.FILE_NAME
          + ") nor a saved model (no " + SavedModel.INFO_FILE + ")");
    }
    return new BadInputException(
        "experiment " + dir + " has no trained model (no best/" + SavedModel.INFO_FILE + "): only searches that train"
            + " networks and end with a final training save one (tabular and benchmark experiments train none; a search"
            + " stopped before its final training can be resumed)");
  }

  private static TrialRecord findTrial(Path dir, long id) {
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      List<TrialRecord> trials = s.trials();
      return trials.stream()
          .filter(t -> t.id() == id)
          .findFirst()
          .orElseThrow(() -> new BadInputException(
              "experiment " + dir + " has no trial " + id + (trials.isEmpty() ? " (it has no trials)"
                  : " (trials " + trials.get(0).id() + ".." + trials.get(trials.size() - 1).id() + ")")));
    }
  }

  /**
   * Trial {@code t}'s network with the weights of its checkpoint: a multi-epoch training search
   * keeps the best trial's last one. Only a checkpoint of the trial's whole training is taken.
   */
  private static Source checkpointSource(Path dir, Path best, TrialRecord t, Path checkpoint) {
    Checkpoint.Position at;
    try {
      at = Checkpoint.position(checkpoint);
    } catch (IOException e) {
      throw new BadInputException("trial " + t.id() + "'s checkpoint in " + checkpoint + " is unreadable: " + e.getMessage(), e);
    }
    int trained = t.result() == null ? -1 : t.result().epochs().size();
    if (at == null || !at.key().startsWith("trial " + t.id() + " of ") || t.status() == TrialStatus.RUNNING || at.epochs() != trained) {
      throw new BadInputException(
          "trial " + t.id() + "'s checkpoint in " + checkpoint + " is not of its finished training (trial " + t.status()
              + (at == null ? ", no checkpoint file" : ", checkpoint after epoch " + at.epochs() + " of " + Math.max(trained, 0))
              + "): resume the experiment, or export best/ by leaving out --trial");
    }
    Described d = Described.of(best);
    Block block = d.build(t);
    Model model = Model.newInstance("model");
    try {
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(d.inputShape()));
      if (Checkpoint.restore(checkpoint, at.key(), block, momentum -> {}, model.getNDManager()) == null) {
        throw new BadInputException("trial " + t.id() + "'s checkpoint in " + checkpoint + " does not fit its network");
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new Source(model, d.trialInfo(t), d.inputShape(), d.classes(), d.mean(), d.std(), "trial " + t.id() + " of " + dir, null);
  }

  /** best/'s description: what a trial's network is built and exported with. */
  private record Described(ObjectNode info, Shape inputShape, List<String> classes, float[] mean, float[] std) {
    static Described of(Path best) {
      // best/'s loader checks the description and gives the normalisation and class names
      try (SavedModel m = SavedModel.load(best)) {
        return new Described((ObjectNode) m.info(), m.inputShape(), m.classNames(), m.mean(), m.std());
      }
    }

    Block build(TrialRecord t) {
      SearchSpace space = SearchSpaces.fromConfig(info.path("space"));
      ModelBuilder builder = ModelBuilders.fromConfig(info.get("model"), space);
      return builder.build(space.decode(t.architecture()), inputShape, classes.size());
    }

    /** best/'s model.json with the trial's architecture, without what describes best/'s training. */
    ObjectNode trialInfo(TrialRecord t) {
      ObjectNode i = info.deepCopy();
      i.put("architecture", t.architecture());
      i.put("trial", t.id());
      i.put("epochs", 0); // the weights file's number in a DJL export
      for (String k : List.of("seed", "choices", "decisions", "training", "test_accuracy", "test_loss", "train_accuracy",
          "test_images", "params", "flops", "weights")) {
        i.remove(k);
      }
      return i;
    }
  }

  /** Trial {@code t}'s network built as best/'s model.json describes the space, with the kept weights. */
  private static Source trialSource(Path dir, Path best, TrialRecord t, Path weights) {
    Described d = Described.of(best);
    Block block = d.build(t);
    if (!(block instanceof GraphNetwork net)) {
      throw new BadInputException("trial " + t.id() + "'s weights in " + weights + " are a morphism network's, but its space builds "
          + block.getClass().getSimpleName());
    }
    Model model = Model.newInstance("model");
    try {
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(d.inputShape()));
      try (NDManager m = model.getNDManager().newSubManager()) {
        Map<String, NDArray> w = MorphismSearch.read(weights, m);
        net.load(w);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(weights + " does not fit trial " + t.id() + "'s network: " + e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new Source(model, d.trialInfo(t), d.inputShape(), d.classes(), d.mean(), d.std(), "trial " + t.id() + " of " + dir, null);
  }

  /**
   * Writes {@code s} to {@code output} in {@code format}: an ONNX file, or a DJL folder (which
   * must not exist or be empty).
   *
   * @throws BadInputException when the output cannot be written there, naming it
   */
  public static void write(Source s, Format format, Path output) {
    if (format == Format.ONNX) {
      writeOnnx(s, output);
    } else {
      writeDjl(s, output);
    }
  }

  static void writeOnnx(Source s, Path output) {
    if (Files.isDirectory(output)) {
      throw new BadInputException("output " + output + " is a folder; give the ONNX file's path, e.g. " + output.resolve("model.onnx"));
    }
    checkWritableParent(output);
    byte[] bytes;
    try {
      bytes = OnnxExport.toOnnx(s.block(), s.inputShape(), s.mean, s.std, s.classNames().size(), metadata(s), doc(s));
    } catch (UnsupportedOperationException e) {
      throw new BadInputException(
          "cannot write " + s.what() + " as ONNX: " + e.getMessage() + "; a model builder's blocks must be DJL's"
              + " Conv2d, Linear, Dropout, SequentialBlock or implement " + dev.jnas.export.onnx.OnnxExportable.class.getName(), e);
    }
    write(output, bytes);
  }

  private static Map<String, String> metadata(Source s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(OnnxExport.CLASS_NAMES, Json.MAPPER.valueToTree(s.classNames()).toString());
    m.put(OnnxExport.ARCHITECTURE, s.info.path("architecture").asText());
    m.put(OnnxExport.SPACE, s.info.path("space").toString());
    m.put(OnnxExport.INPUT_SHAPE, Json.MAPPER.valueToTree(s.inputShape().getShape()).toString());
    m.put(OnnxExport.NORMALIZATION, s.info.path("normalization").toString());
    m.put(OnnxExport.MODEL_JSON, s.info.toString());
    return m;
  }

  private static String doc(Source s) {
    return "jnas " + s.info.path("space").path("name").asText() + " network " + s.info.path("architecture").asText()
        + ". Input '" + OnnxExport.INPUT + "': float32 (N, " + s.inputShape().get(0) + ", " + s.inputShape().get(1) + ", "
        + s.inputShape().get(2) + "), raw pixel values 0..255 (the graph normalises them as training did). Outputs '"
        + OnnxExport.LOGITS + "' (N, classes) and '" + OnnxExport.PROBABILITIES + "' (their softmax); class names in"
        + " metadata '" + OnnxExport.CLASS_NAMES + "'.";
  }

  static void writeDjl(Source s, Path output) {
    if (Files.exists(output)) {
      boolean empty;
      try (Stream<Path> files = Files.list(output)) {
        empty = files.findAny().isEmpty();
      } catch (IOException e) {
        throw new BadInputException("output " + output + " exists and is not a folder that can be listed (" + AtomicFiles.describe(e) + ")");
      }
      if (!empty) {
        throw new BadInputException("output folder " + output + " is not empty; give a new folder");
      }
    } else {
      checkWritableParent(output);
    }
    try {
      Files.createDirectories(output);
      ObjectNode info = s.info.deepCopy();
      if (s.files != null) {
        // best/'s weights as they are
        String weights = s.info.path("weights").asText();
        Files.copy(s.files.resolve(weights), output.resolve(weights));
      } else {
        Model m = s.model;
        m.setProperty("Epoch", "0");
        m.save(output, "model");
        info.put("weights", "model-0000.params");
      }
      AtomicFiles.writeJson(output.resolve(SavedModel.INFO_FILE), info);
      Files.writeString(output.resolve(README), readme(s, info));
    } catch (IOException e) {
      throw new BadInputException("cannot write the export to " + output + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static String readme(Source s, JsonNode info) {
    return """
        A jnas model (%s): %s network %s
        for %s images of %s (channels x height x width), %d classes.

        Files: %s holds the weights in DJL's format; model.json describes the network (search space,
        architecture, input shape, normalisation, class names).

        With jnas on the class path:
            try (SavedModel m = SavedModel.load(Path.of("this folder"))) {   // dev.jnas.train.SavedModel
              SavedModel.Predictions p = m.predict(pixels);  // (N, C, H, W) raw 0..255 pixels
            }
        With DJL alone, set the block jnas builds, then load the weights:
            SearchSpace space = SearchSpaces.fromConfig(info.get("space"));
            Block block = ModelBuilders.fromConfig(info.get("model"), space)
                .build(space.decode(info.get("architecture").asText()), new Shape(C, H, W), classes);
            Model model = Model.newInstance("model");
            model.setBlock(block);
            model.load(Path.of("this folder"), "model", Map.of("epoch", info.get("epochs").asInt()));
        and feed it (pixel / 255 - mean[c]) / std[c] (model.json's normalization); it outputs logits.
        Or, from the command line: jnas predict --model <this folder> image.png
        """.formatted(
            s.what(), info.path("space").path("name").asText(), info.path("architecture").asText(),
            info.path("dataset").asText("the training"), s.inputShape().get(0) + "x" + s.inputShape().get(1) + "x" + s.inputShape().get(2),
            s.classNames().size(), info.path("weights").asText());
  }

  private static void checkWritableParent(Path output) {
    Path parent = output.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new BadInputException("cannot write " + output + ": folder " + parent + " does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw new BadInputException("cannot write " + output + ": folder " + parent + " is not writable");
    }
  }

  private static void write(Path output, byte[] bytes) {
    try {
      AtomicFiles.write(output, bytes);
    } catch (NasException e) {
      throw new BadInputException("cannot write " + output + ": " + e.getMessage(), e);
    }
  }
}
