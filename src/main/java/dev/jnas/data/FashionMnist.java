package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST: 28x28 grey images of 10 kinds of clothing, 60,000 train + 10,000 test. */
public final class FashionMnist {
  public static final Path DEFAULT_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");
  public static final int CLASSES = 10;
  /** The dataset's class names, label order. */
  public static final List<String> NAMES =
      List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  // the usual statistics of the training set, so every subset is normalised alike
  private static final float[] MEAN = {0.2860f};
  private static final float[] STD = {0.3530f};

  private FashionMnist() {}

  public static TrainTestData load() {
    return load(DEFAULT_FOLDER);
  }

  /**
   * Reads {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code
   * t10k-images-idx3-ubyte[.gz]} and {@code t10k-labels-idx1-ubyte[.gz]} from {@code folder}.
   */
  public static TrainTestData load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new BadInputException(
          "Fashion-MNIST folder " + folder + " does not exist; expected it to hold "
              + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"
              + hint(folder));
    }
    return new TrainTestData(part(folder, "train"), part(folder, "t10k"));
  }

  private static ImageDataset part(Path folder, String prefix) {
    Path imagesFile = find(folder, prefix + "-images-idx3-ubyte");
    Path labelsFile = find(folder, prefix + "-labels-idx1-ubyte");
    IdxReader.Labelled pair = IdxReader.readPair(imagesFile, labelsFile);
    IdxReader.Images images = pair.images();
    int[] labels = pair.labels();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= CLASSES) {
        throw new BadInputException(labelsFile + ": label " + i + " is " + labels[i] + ", expected 0..9");
      }
    }
    String name = "fashion-mnist-" + (prefix.equals("t10k") ? "test" : "train");
    return new ImageDataset(
        name, images.pixels(), labels, 1, images.rows(), images.cols(), CLASSES, MEAN, STD, NAMES);
  }

  private static Path find(Path folder, String base) {
    Path gz = folder.resolve(base + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path raw = folder.resolve(base);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    throw new BadInputException(
        "Fashion-MNIST file " + gz + " (or " + raw.getFileName() + ") is missing" + hint(folder));
  }

  private static String hint(Path folder) {
    return folder.toAbsolutePath().normalize().equals(DEFAULT_FOLDER)
        ? " (install it with: apt-get install dataset-fashion-mnist)"
        : "";
  }
}
