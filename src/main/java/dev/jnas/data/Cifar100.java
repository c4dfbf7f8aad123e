package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * CIFAR-100 in its binary form: {@code train.bin} and {@code test.bin}, records of a coarse label
 * byte (20 superclasses), a fine label byte (100 classes) and 3,072 pixel bytes, in the folder
 * {@code cifar-100-binary} or the folder it was unpacked into. Class names come from {@code
 * fine_label_names.txt} / {@code coarse_label_names.txt} when present, else "0".."K-1".
 */
public final class Cifar100 {
  /** The folder the "CIFAR-100 binary version" archive unpacks to. */
  public static final String FOLDER = "cifar-100-binary";
  public static final int FINE_CLASSES = 100;
  public static final int COARSE_CLASSES = 20;
  public static final int RECORD = 2 + CifarBinary.PIXELS;
  private static final float[] MEAN = {0.5071f, 0.4865f, 0.4409f};
  private static final float[] STD = {0.2673f, 0.2564f, 0.2762f};

  /** Which of the two labels of a record to learn. */
  public enum Labels {
    /** The 100 classes (the usual benchmark). */
    FINE,
    /** The 20 superclasses. */
    COARSE;

    /** {@code fine} or {@code coarse}; null is fine. */
    public static Labels parse(String s, String field) {
      if (s == null) {
        return FINE;
      }
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "fine" -> FINE;
        case "coarse" -> COARSE;
        default -> throw new BadInputException(field + " '" + s + "' is unknown (valid: fine, coarse)");
      };
    }
  }

  private Cifar100() {}

  /** @param folder {@code cifar-100-binary} or its parent */
  public static TrainTestData load(Path folder, Labels labels) {
    Path dir = CifarBinary.locate(folder, FOLDER, "train.bin", "train.bin and test.bin (the 'CIFAR-100 binary version')");
    boolean fine = labels == Labels.FINE;
    int classes = fine ? FINE_CLASSES : COARSE_CLASSES;
    CifarBinary.Format format = new CifarBinary.Format("CIFAR-100", 2, fine ? 1 : 0, classes, MEAN, STD);
    List<String> names =
        CifarBinary.names(dir.resolve(fine ? "fine_label_names.txt" : "coarse_label_names.txt"), classes, null);
    String name = fine ? "cifar100" : "cifar100-coarse";
    return new TrainTestData(
        CifarBinary.read(name + "-train", List.of(dir.resolve("train.bin")), format, names),
        CifarBinary.read(name + "-test", List.of(dir.resolve("test.bin")), format, names));
  }
}
