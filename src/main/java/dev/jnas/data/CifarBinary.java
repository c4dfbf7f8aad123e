package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary record format of CIFAR-10 and CIFAR-100: records of label bytes then 3,072 pixel
 * bytes (R, G, B planes of 32x32), files concatenated; and the folder and class-name files that
 * ship with them.
 */
final class CifarBinary {
  static final int PIXELS = 3 * 32 * 32;

  /** How one of the datasets lays out its records and names its classes. */
  record Format(String dataset, int labelBytes, int labelIndex, int classes, float[] mean, float[] std) {
    int record() {
      return labelBytes + PIXELS;
    }
  }

  private CifarBinary() {}

  /**
   * The folder that holds {@code marker}: {@code folder} itself or its subfolder {@code sub} (the
   * folder the dataset's archive unpacks to), so users may point at either.
   */
  static Path locate(Path folder, String sub, String marker, String expected) {
    if (Files.isRegularFile(folder.resolve(marker))) {
      return folder;
    }
    if (Files.isRegularFile(folder.resolve(sub).resolve(marker))) {
      return folder.resolve(sub);
    }
    throw new BadInputException(
        (Files.isDirectory(folder) ? "folder " + folder + " holds no " + marker : "folder " + folder + " does not exist")
            + "; expected it, or its subfolder " + sub + ", to hold " + expected);
  }

  /**
   * The class names in {@code file}, one per non-blank line, or {@code fallback} when the file is
   * absent.
   */
  static List<String> names(Path file, int classes, List<String> fallback) {
    if (!Files.isRegularFile(file)) {
      return fallback;
    }
    List<String> names = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          names.add(line.trim());
        }
      }
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read the class names: " + e.getMessage(), e);
    }
    if (names.size() != classes) {
      throw new BadInputException(file + ": " + names.size() + " class names, expected " + classes);
    }
    return names;
  }

  /** Reads and concatenates binary batch files. */
  static ImageDataset read(String name, List<Path> files, Format f, List<String> classNames) {
    int record = f.record();
    List<byte[]> contents = new ArrayList<>();
    long records = 0;
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new BadInputException(f.dataset() + " file " + file + " is missing");
      }
      byte[] b;
      try {
        b = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
      }
      if (b.length % record != 0 || b.length == 0) {
        throw new BadInputException(
            file + ": truncated or corrupt: size " + b.length + " bytes is not a positive multiple of the "
                + record + "-byte record (" + f.labelBytes() + " label byte" + (f.labelBytes() > 1 ? "s" : "")
                + " + 3072 pixels)");
      }
      contents.add(b);
      records += b.length / record;
    }
    ImageDataset.checkBytes(name, records, 3, 32, 32);
    byte[] px = new byte[(int) records * PIXELS];
    int[] labels = new int[(int) records];
    int r = 0;
    for (int fi = 0; fi < contents.size(); fi++) {
      byte[] b = contents.get(fi);
      for (int off = 0; off < b.length; off += record, r++) {
        int label = b[off + f.labelIndex()] & 0xFF;
        if (label >= f.classes()) {
          throw new BadInputException(
              files.get(fi) + ": record " + (off / record) + " has label " + label + ", expected 0.." + (f.classes() - 1));
        }
        labels[r] = label;
        System.arraycopy(b, off + f.labelBytes(), px, r * PIXELS, PIXELS);
      }
    }
    return new ImageDataset(name, px, labels, 3, 32, 32, f.classes(), f.mean(), f.std(), classNames);
  }
}
