package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary form: {@code data_batch_1.bin .. data_batch_5.bin} and {@code
 * test_batch.bin}, each a run of records of 1 label byte + 3,072 pixel bytes (R, G, B planes of
 * 32x32).
 */
public final class Cifar10 {
  public static final int CLASSES = 10;
  public static final int RECORD = 1 + 3 * 32 * 32;
  private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
  private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

  private Cifar10() {}

  public static TrainTestData load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new BadInputException(
          "CIFAR-10 folder " + folder + " does not exist; expected it to hold data_batch_1.bin .. "
              + "data_batch_5.bin and test_batch.bin (the 'CIFAR-10 binary version')");
    }
    List<Path> train = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      train.add(folder.resolve("data_batch_" + i + ".bin"));
    }
    return new TrainTestData(
        read("cifar10-train", train), read("cifar10-test", List.of(folder.resolve("test_batch.bin"))));
  }

  /** Reads and concatenates binary batch files. */
  public static ImageDataset read(String name, List<Path> files) {
    List<byte[]> contents = new ArrayList<>();
    int records = 0;
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new BadInputException("CIFAR-10 file " + f + " is missing");
      }
      byte[] b;
      try {
        b = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new BadInputException(f + ": cannot read: " + e.getMessage(), e);
      }
      if (b.length % RECORD != 0 || b.length == 0) {
        throw new BadInputException(
            f + ": truncated or corrupt: size " + b.length + " bytes is not a positive multiple of the "
                + RECORD + "-byte record (1 label + 3072 pixels)");
      }
      contents.add(b);
      records += b.length / RECORD;
    }
    byte[] px = new byte[records * (RECORD - 1)];
    int[] labels = new int[records];
    int r = 0;
    for (int fi = 0; fi < contents.size(); fi++) {
      byte[] b = contents.get(fi);
      for (int off = 0; off < b.length; off += RECORD, r++) {
        int label = b[off] & 0xFF;
        if (label >= CLASSES) {
          throw new BadInputException(
              files.get(fi) + ": record " + (off / RECORD) + " has label " + label + ", expected 0..9");
        }
        labels[r] = label;
        System.arraycopy(b, off + 1, px, r * (RECORD - 1), RECORD - 1);
      }
    }
    return new ImageDataset(name, px, labels, 3, 32, 32, CLASSES, MEAN, STD);
  }
}
