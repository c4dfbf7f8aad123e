package dev.jnas.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary form: {@code data_batch_1.bin .. data_batch_5.bin} and {@code
 * test_batch.bin}, each a run of records of 1 label byte + 3,072 pixel bytes (R, G, B planes of
 * 32x32), in the folder {@code cifar-10-batches-bin} or the folder it was unpacked into. Class
 * names come from its {@code batches.meta.txt}.
 */
public final class Cifar10 {
  public static final int CLASSES = 10;
  public static final int RECORD = 1 + CifarBinary.PIXELS;
  /** The folder the "CIFAR-10 binary version" archive unpacks to. */
  public static final String FOLDER = "cifar-10-batches-bin";
  /** CIFAR-10's class names, label order (as in batches.meta.txt). */
  public static final List<String> NAMES =
      List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
  private static final CifarBinary.Format FORMAT =
      new CifarBinary.Format(
          "CIFAR-10", 1, 0, CLASSES, new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});

  private Cifar10() {}

  /** @param folder {@code cifar-10-batches-bin} or its parent */
  public static TrainTestData load(Path folder) {
    Path dir =
        CifarBinary.locate(
            folder, FOLDER, "data_batch_1.bin",
            "data_batch_1.bin .. data_batch_5.bin and test_batch.bin (the 'CIFAR-10 binary version')");
    List<Path> train = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      train.add(dir.resolve("data_batch_" + i + ".bin"));
    }
    List<String> names = CifarBinary.names(dir.resolve("batches.meta.txt"), CLASSES, NAMES);
    return new TrainTestData(
        CifarBinary.read("cifar10-train", train, FORMAT, names),
        CifarBinary.read("cifar10-test", List.of(dir.resolve("test_batch.bin")), FORMAT, names));
  }

  /** Reads and concatenates binary batch files. */
  public static ImageDataset read(String name, List<Path> files) {
    return CifarBinary.read(name, files, FORMAT, NAMES);
  }
}
