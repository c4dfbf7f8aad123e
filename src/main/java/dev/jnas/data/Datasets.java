package dev.jnas.data;

import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Loads the dataset a {@link DatasetConfig} describes. */
public final class Datasets {
  public static final List<String> NAMES = List.of("fashion-mnist", "cifar10", "cifar100", "synthetic", "images", "idx");
  /** The dataset of a config that names none. */
  public static final String DEFAULT = "fashion-mnist";

  /** Bounds of the synthetic set's options: enough for any smoke run, far from overflow. */
  static final int MAX_SYNTHETIC_IMAGES = 1_000_000;
  static final int MAX_SYNTHETIC_SIZE = 512;
  static final int MAX_SYNTHETIC_CHANNELS = 16;
  static final int MAX_SYNTHETIC_CLASSES = 1000;

  private Datasets() {}

  /**
   * Reads the dataset into memory, checking every file before returning.
   *
   * @param config the dataset and its options (null fields take their defaults)
   * @param baseDir the folder relative paths resolve against (the config file's folder); null is
   *     the working directory
   * @throws BadInputException naming the option, file or folder that is wrong
   */
  public static TrainTestData load(DatasetConfig config, Path baseDir) {
    Path base = baseDir == null ? Path.of("") : baseDir;
    String name = canonical(config.dataset());
    refuseOtherOptions(name, config);
    Path dir = config.dataDir() == null ? null : base.resolve(config.dataDir());
    return switch (name) {
      case "fashion-mnist" -> FashionMnist.load(dir == null ? FashionMnist.DEFAULT_FOLDER : dir);
      case "cifar10" -> Cifar10.load(required(dir, name, "cifar-10-batches-bin (or its parent)"));
      case "cifar100" -> Cifar100.load(
          required(dir, name, "cifar-100-binary (or its parent)"),
          Cifar100.Labels.parse(config.cifar100() == null ? null : config.cifar100().labels(), "evaluator.cifar100.labels"));
      case "images" -> ImageFolders.load(required(dir, name, "ROOT/<class>/<image> or ROOT/train/<class>/... and ROOT/test/<class>/..."), config.images());
      case "idx" -> IdxDataset.load(config.idx(), dir == null ? base : dir);
      case "synthetic" -> synthetic(config.synthetic());
      default -> throw new IllegalStateException(name);
    };
  }

  /** The dataset's canonical name (fashion-mnist for null); unknown names are bad input. */
  static String canonical(String dataset) {
    if (dataset == null) {
      return DEFAULT;
    }
    String n = dataset.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "fashion-mnist", "fashionmnist" -> "fashion-mnist";
      case "cifar10", "cifar-10" -> "cifar10";
      case "cifar100", "cifar-100" -> "cifar100";
      case "synthetic", "images", "idx" -> n;
      default -> throw new BadInputException(
          "unknown dataset '" + dataset + "' in evaluator.dataset (valid: " + String.join(", ", NAMES) + ")");
    };
  }

  private static void refuseOtherOptions(String name, DatasetConfig c) {
    List<String> stray = new ArrayList<>();
    if (c.synthetic() != null && !name.equals("synthetic")) {
      stray.add("synthetic");
    }
    if (c.images() != null && !name.equals("images")) {
      stray.add("images");
    }
    if (c.idx() != null && !name.equals("idx")) {
      stray.add("idx");
    }
    if (c.cifar100() != null && !name.equals("cifar100")) {
      stray.add("cifar100");
    }
    if (c.dataDir() != null && name.equals("synthetic")) {
      stray.add("data_dir");
    }
    if (!stray.isEmpty()) {
      throw new BadInputException(
          "evaluator." + String.join(", evaluator.", stray) + (stray.size() > 1 ? " do" : " does")
              + " not apply to dataset " + name + "; remove " + (stray.size() > 1 ? "them" : "it")
              + " or choose the dataset " + (stray.size() > 1 ? "they configure" : "it configures"));
    }
  }

  private static Path required(Path dir, String name, String layout) {
    if (dir == null) {
      throw new BadInputException("dataset " + name + " needs evaluator.data_dir: the folder holding " + layout);
    }
    if (!Files.isDirectory(dir)) {
      throw ConfigException.invalid("evaluator.data_dir", dir + " does not exist or is not a folder (dataset " + name + ")");
    }
    return dir;
  }

  private static TrainTestData synthetic(DatasetConfig.Synthetic s) {
    DatasetConfig.Synthetic o = s == null ? new DatasetConfig.Synthetic(null, null, null, null, null) : s;
    int train = bounded(o.train(), 6000, 1, MAX_SYNTHETIC_IMAGES, "train");
    int test = bounded(o.test(), 1000, 1, MAX_SYNTHETIC_IMAGES, "test");
    int channels = bounded(o.channels(), 1, 1, MAX_SYNTHETIC_CHANNELS, "channels");
    int size = bounded(o.size(), 28, 1, MAX_SYNTHETIC_SIZE, "size");
    int classes = bounded(o.classes(), 10, 2, MAX_SYNTHETIC_CLASSES, "classes");
    ImageDataset.checkBytes("evaluator.synthetic (images x channels x size x size)", Math.max(train, test), channels, size, size);
    return new TrainTestData(
        ImageDataset.synthetic(train, channels, size, size, classes, 1),
        ImageDataset.synthetic(test, channels, size, size, classes, 2));
  }

  private static int bounded(Integer v, int dflt, int min, int max, String field) {
    if (v == null) {
      return dflt;
    }
    if (v < min || v > max) {
      throw ConfigException.invalid("evaluator.synthetic." + field, String.format(Locale.ROOT, "must be %,d..%,d, got %,d", min, max, v));
    }
    return v;
  }
}
