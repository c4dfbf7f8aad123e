package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Loads a dataset by the name a configuration uses. */
public final class Datasets {
  public static final List<String> NAMES = List.of("fashion-mnist", "cifar10", "synthetic");

  private Datasets() {}

  /**
   * @param name {@code fashion-mnist}, {@code cifar10} or {@code synthetic} (a small learnable
   *     10-class 1x28x28 set for smoke runs)
   * @param folder where the files are; null takes the default (Fashion-MNIST's installed folder;
   *     CIFAR-10 has none)
   */
  public static TrainTestData load(String name, Path folder) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "fashion-mnist", "fashionmnist" -> FashionMnist.load(folder == null ? FashionMnist.DEFAULT_FOLDER : folder);
      case "cifar10", "cifar-10" -> {
        if (folder == null) {
          throw new BadInputException("dataset cifar10 needs a folder holding data_batch_1.bin .. test_batch.bin");
        }
        yield Cifar10.load(folder);
      }
      case "synthetic" ->
          new TrainTestData(ImageDataset.synthetic(6000, 1, 28, 28, 10, 1), ImageDataset.synthetic(1000, 1, 28, 28, 10, 2));
      default -> throw new BadInputException("unknown dataset '" + name + "' (valid: " + String.join(", ", NAMES) + ")");
    };
  }
}
