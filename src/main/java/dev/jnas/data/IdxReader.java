package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST-style IDX files (unsigned-byte images, magic {@code 0x00000803}; labels, magic
 * {@code 0x00000801}), gzip-compressed or raw; gzip is recognised by its magic bytes {@code 1f 8b},
 * not by the file name. Problems raise a {@link BadInputException} naming the file.
 */
public final class IdxReader {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  /** Images of one IDX file: {@code count} images of {@code rows x cols} bytes. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  /** An images file and its labels file, checked to hold the same number of items. */
  public record Labelled(Images images, int[] labels) {}

  private IdxReader() {}

  /** Reads an images file and its labels file and checks that their counts agree. */
  public static Labelled readPair(Path imagesFile, Path labelsFile) {
    Images images = readImages(imagesFile);
    int[] labels = readLabels(labelsFile);
    if (images.count() != labels.length) {
      throw new BadInputException(
          imagesFile + " holds " + images.count() + " images but " + labelsFile + " holds "
              + labels.length + " labels");
    }
    return new Labelled(images, labels);
  }

  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), IMAGES_MAGIC, "images");
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows <= 0 || cols <= 0) {
        throw new BadInputException(
            file + ": bad header: count=" + count + " rows=" + rows + " cols=" + cols);
      }
      long expected = (long) count * rows * cols;
      if (expected > Integer.MAX_VALUE - 16) {
        throw new BadInputException(file + ": " + expected + " image bytes are too many to hold in memory");
      }
      byte[] px = readFully(file, in, (int) expected, "image");
      return new Images(count, rows, cols, px);
    } catch (EOFException e) {
      throw new BadInputException(file + ": truncated: header ends early", e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), LABELS_MAGIC, "labels");
      int count = in.readInt();
      if (count < 0) {
        throw new BadInputException(file + ": bad header: count=" + count);
      }
      byte[] raw = readFully(file, in, count, "label");
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    } catch (EOFException e) {
      throw new BadInputException(file + ": truncated: header ends early", e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static void checkMagic(Path file, int magic, int expected, String kind) {
    if (magic != expected) {
      throw new BadInputException(
          String.format(
              "%s: bad magic number 0x%08x, expected 0x%08x for an IDX %s file", file, magic, expected, kind));
    }
  }

  private static byte[] readFully(Path file, InputStream in, int n, String what) throws IOException {
    byte[] b = new byte[n];
    int got;
    try {
      got = in.readNBytes(b, 0, n);
    } catch (EOFException e) {
      // a cut gzip stream ends mid-block
      throw new BadInputException(
          file + ": truncated: compressed data ends before the expected " + n + " " + what + " bytes", e);
    }
    if (got < n) {
      throw new BadInputException(
          file + ": truncated: expected " + n + " " + what + " bytes, got " + got);
    }
    return b;
  }

  /** Opens {@code file}, unwrapping gzip when the first two bytes are {@code 1f 8b}. */
  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file");
    }
    BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(in);
  }
}
