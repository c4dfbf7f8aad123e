package dev.jnas.data;

import dev.jnas.util.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Labelled images held in memory as raw bytes, {@code N x C x H x W} (CHW per image), with the
 * per-channel mean and standard deviation (of {@code pixel / 255}) that loaders normalise with,
 * and a name per class. Views made by {@link #slice}, {@link #subset} and {@link #split} keep the
 * parent's normalisation and class names, so training and validation data are scaled alike.
 * Immutable.
 */
public final class ImageDataset {
  /**
   * The most pixel bytes one dataset holds: a Java array's limit (2 GiB). Larger sets need a
   * smaller image size.
   */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private final String name;
  private final byte[] pixels;
  private final int[] labels;
  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
  private final float[] mean;
  private final float[] std;
  private final List<String> classNames;

  /** As {@link #ImageDataset(String, byte[], int[], int, int, int, int, float[], float[], List)}
   * with the class names "0" .. "numClasses - 1". */
  public ImageDataset(
      String name,
      byte[] pixels,
      int[] labels,
      int channels,
      int height,
      int width,
      int numClasses,
      float[] mean,
      float[] std) {
    this(name, pixels, labels, channels, height, width, numClasses, mean, std, null);
  }

  /**
   * @param pixels {@code labels.length * channels * height * width} bytes, image after image
   * @param mean per-channel mean of {@code pixel / 255}; null computes it from the pixels
   * @param std per-channel standard deviation of {@code pixel / 255}; null computes it
   * @param classNames one distinct name per class, label order; null names them "0" .. "K-1"
   */
  public ImageDataset(
      String name,
      byte[] pixels,
      int[] labels,
      int channels,
      int height,
      int width,
      int numClasses,
      float[] mean,
      float[] std,
      List<String> classNames) {
    if (channels <= 0 || height <= 0 || width <= 0 || numClasses <= 0) {
      throw new BadInputException(
          name + ": bad image geometry C=" + channels + " H=" + height + " W=" + width
              + " classes=" + numClasses);
    }
    long expected = (long) labels.length * channels * height * width;
    if (pixels.length != expected) {
      throw new BadInputException(
          name + ": " + labels.length + " labels need " + expected + " pixel bytes, got " + pixels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new BadInputException(
            name + ": label of image " + i + " is " + labels[i] + ", outside 0.." + (numClasses - 1));
      }
    }
    this.classNames = classNames == null ? numbered(numClasses) : checkNames(name, classNames, numClasses);
    this.name = name;
    this.pixels = pixels;
    this.labels = labels;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
    float[][] stats = mean == null || std == null ? channelStats() : null;
    this.mean = mean != null ? checkChannels(mean.clone(), "mean") : stats[0];
    this.std = std != null ? checkChannels(std.clone(), "std") : stats[1];
  }

  private static List<String> numbered(int k) {
    List<String> names = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      names.add(Integer.toString(c));
    }
    return List.copyOf(names);
  }

  private static List<String> checkNames(String name, List<String> names, int k) {
    if (names.size() != k || new HashSet<>(names).size() != k) {
      throw new BadInputException(
          name + ": " + names.size() + " class names " + names + " for " + k + " classes; expected " + k + " distinct names");
    }
    return List.copyOf(names);
  }

  private float[] checkChannels(float[] v, String what) {
    if (v.length != channels) {
      throw new BadInputException(
          name + ": " + what + " has " + v.length + " values, expected one per channel (" + channels + ")");
    }
    return v;
  }

  /** Mean and std of {@code pixel / 255} per channel, computed in one pass. */
  private float[][] channelStats() {
    int plane = height * width;
    float[] m = new float[channels];
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      double sumSq = 0;
      long count = 0;
      for (int i = 0; i < labels.length; i++) {
        int base = (i * channels + c) * plane;
        for (int p = 0; p < plane; p++) {
          double v = (pixels[base + p] & 0xFF) / 255.0;
          sum += v;
          sumSq += v * v;
        }
        count += plane;
      }
      double mu = count == 0 ? 0 : sum / count;
      double var = count == 0 ? 1 : Math.max(sumSq / count - mu * mu, 0);
      m[c] = (float) mu;
      s[c] = (float) Math.max(Math.sqrt(var), 1e-3);
    }
    return new float[][] {m, s};
  }

  public String name() {
    return name;
  }

  public int size() {
    return labels.length;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int numClasses() {
    return numClasses;
  }

  /** The name of each class, in label order (folder names, a dataset's own names, or "0".."K-1"). */
  public List<String> classNames() {
    return classNames;
  }

  /** The same images and labels under other class names (the pixels are shared, not copied). */
  public ImageDataset withClassNames(List<String> names) {
    return new ImageDataset(name, pixels, labels, channels, height, width, numClasses, mean, std, names);
  }

  /** The same images under another name (the pixels are shared, not copied). */
  public ImageDataset withName(String newName) {
    return new ImageDataset(newName, pixels, labels, channels, height, width, numClasses, mean, std, classNames);
  }

  /** Bytes of one image, {@code C * H * W}. */
  public int imageSize() {
    return channels * height * width;
  }

  public int label(int i) {
    return labels[i];
  }

  /** The raw bytes of image {@code i} copied into {@code dst} at {@code offset}. */
  public void copyImage(int i, byte[] dst, int offset) {
    System.arraycopy(pixels, i * imageSize(), dst, offset, imageSize());
  }

  /** Appends image {@code i}'s bytes (its channel planes in turn) to {@code dst}. */
  public void copyImage(int i, java.nio.ByteBuffer dst) {
    dst.put(pixels, i * imageSize(), imageSize());
  }

  /** Unsigned value of one pixel. */
  public int pixel(int image, int channel, int y, int x) {
    return pixels[((image * channels + channel) * height + y) * width + x] & 0xFF;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  /** Images {@code [from, to)}. */
  public ImageDataset slice(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new BadInputException(name + ": slice [" + from + ", " + to + ") outside 0.." + size());
    }
    int[] idx = new int[to - from];
    Arrays.setAll(idx, i -> from + i);
    return subset(idx, name + "[" + from + ":" + to + "]");
  }

  /** The images at {@code indices}, in that order. */
  public ImageDataset subset(int[] indices) {
    return subset(indices, name + "[subset " + indices.length + "]");
  }

  private ImageDataset subset(int[] indices, String newName) {
    int is = imageSize();
    byte[] px = new byte[indices.length * is];
    int[] lb = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= size()) {
        throw new BadInputException(name + ": subset index " + i + " outside 0.." + (size() - 1));
      }
      System.arraycopy(pixels, i * is, px, k * is, is);
      lb[k] = labels[i];
    }
    return new ImageDataset(newName, px, lb, channels, height, width, numClasses, mean, std, classNames);
  }

  /** A training part and a held-out validation part. */
  public record Split(ImageDataset train, ImageDataset val) {}

  /**
   * Stratified random split: each class gives {@code round(valFraction * its count)} images to
   * validation. The same seed gives the same split; the parts are disjoint and cover all images.
   */
  public Split split(double valFraction, long seed) {
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new BadInputException(name + ": val_fraction must be in [0, 1), got " + valFraction);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < size(); i++) {
      byClass.get(labels[i]).add(i);
    }
    int[] train = new int[size()];
    int[] val = new int[size()];
    int nt = 0;
    int nv = 0;
    for (List<Integer> members : byClass) {
      int[] m = members.stream().mapToInt(Integer::intValue).toArray();
      shuffle(m, rng);
      int v = (int) Math.round(valFraction * m.length);
      for (int k = 0; k < m.length; k++) {
        if (k < v) {
          val[nv++] = m[k];
        } else {
          train[nt++] = m[k];
        }
      }
    }
    // shuffle so neither part is grouped by class (slices of it stay balanced)
    int[] t = Arrays.copyOf(train, nt);
    int[] va = Arrays.copyOf(val, nv);
    shuffle(t, rng);
    shuffle(va, rng);
    return new Split(subset(t, name + "[train]"), subset(va, name + "[val]"));
  }

  /**
   * Refuses {@code n} images of {@code C x H x W} bytes when they exceed {@link #MAX_BYTES}.
   *
   * @param what names the data in the message
   */
  public static void checkBytes(String what, long n, long channels, long height, long width) {
    long bytes;
    try {
      bytes = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(n, channels), height), width);
    } catch (ArithmeticException overflow) {
      bytes = Long.MAX_VALUE;
    }
    if (bytes > MAX_BYTES) {
      throw new BadInputException(String.format(Locale.ROOT,
          "%s: %,d images of %dx%dx%d bytes are more than the %,d bytes jnas holds in memory per dataset; "
              + "use fewer or smaller images", what, n, channels, height, width, MAX_BYTES));
    }
  }

  static void shuffle(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  /**
   * A learnable synthetic dataset: class {@code k} has a bright square at one of a grid of
   * positions (and a class-dependent brightness per channel) over uniform noise.
   */
  public static ImageDataset synthetic(int n, int channels, int height, int width, int numClasses, long seed) {
    if (n < 0 || channels < 1 || height < 1 || width < 1 || numClasses < 1) {
      throw new BadInputException(
          "synthetic dataset: bad shape n=" + n + " C=" + channels + " H=" + height + " W=" + width + " classes=" + numClasses);
    }
    checkBytes("synthetic dataset", n, channels, height, width);
    SplittableRandom rng = new SplittableRandom(seed);
    int grid = (int) Math.ceil(Math.sqrt(numClasses));
    int cellH = Math.max(1, height / grid);
    int cellW = Math.max(1, width / grid);
    byte[] px = new byte[n * channels * height * width];
    int[] lb = new int[n];
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(numClasses);
      lb[i] = k;
      int y0 = (k / grid) * cellH;
      int x0 = (k % grid) * cellW;
      // jitter the square by up to a quarter cell so the task is not a lookup
      int jy = rng.nextInt(Math.max(1, cellH / 4) + 1) - cellH / 8;
      int jx = rng.nextInt(Math.max(1, cellW / 4) + 1) - cellW / 8;
      for (int c = 0; c < channels; c++) {
        int base = ((i * channels) + c) * height * width;
        int bright = 170 + ((k * 37 + c * 53) % 86);
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            boolean inSquare =
                y >= y0 + jy && y < y0 + jy + cellH && x >= x0 + jx && x < x0 + jx + cellW;
            int v = inSquare ? bright - rng.nextInt(40) : rng.nextInt(110);
            px[base + y * width + x] = (byte) v;
          }
        }
      }
    }
    return new ImageDataset(
        "synthetic-" + n + "x" + channels + "x" + height + "x" + width,
        px, lb, channels, height, width, numClasses, null, null);
  }
}
