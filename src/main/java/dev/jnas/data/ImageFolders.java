package dev.jnas.data;

import ai.djl.basicdataset.cv.classification.AbstractImageFolder;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.djl.util.Progress;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads a folder of labelled images into memory: {@code ROOT/<class>/<image>} (a stratified, fixed
 * share of each class becomes the test set) or {@code ROOT/train/<class>/...} with {@code
 * ROOT/test/<class>/...}. Class names are the sorted folder names. Files are listed by DJL's
 * {@link AbstractImageFolder} (.png, .jpg, .jpeg, .bmp, .gif, .wbmp; hidden files skipped),
 * decoded by DJL's {@code ImageFactory} and converted to grayscale or RGB by DJL, then resized with
 * DJL's {@link NDImageUtils#resize} when their size differs from the configured one.
 *
 * <p>Every image is decoded before anything is returned: unreadable or corrupt files, empty class
 * folders, fewer than two classes and (without a configured size or channel count) images of
 * another size or kind than the first raise one {@link BadInputException} naming the files.
 */
public final class ImageFolders {
  /** Share of each class held out for testing when the folder has no train/test parts. */
  public static final double DEFAULT_TEST_FRACTION = 0.2;
  /** The largest side an image is resized to: bounds memory and a typo such as 3200. */
  public static final int MAX_SIDE = 1024;
  /** Problems listed in one message; the count of the rest is given. */
  private static final int LISTED = 10;

  private ImageFolders() {}

  /**
   * @param root the folder
   * @param options size, channels and test fraction; null takes the defaults
   * @throws BadInputException naming every file or folder that is wrong
   */
  public static TrainTestData load(Path root, DatasetConfig.Images options) {
    Settings s = Settings.of(options);
    if (!Files.isDirectory(root)) {
      throw new BadInputException("image folder " + root + " does not exist or is not a folder");
    }
    Path folderName = root.toAbsolutePath().normalize().getFileName();
    String name = folderName == null ? "images" : folderName.toString();
    Path trainDir = root.resolve("train");
    Path testDir = root.resolve("test");
    if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
      Listing train = Listing.of(trainDir);
      Listing test = Listing.of(testDir);
      List<String> classes = train.classes();
      for (String c : test.classes()) {
        if (!classes.contains(c)) {
          throw new BadInputException(
              testDir.resolve(c) + ": class '" + c + "' has no folder in " + trainDir + " (training classes: "
                  + String.join(", ", classes) + ")");
        }
      }
      Decoder decoder = new Decoder(s);
      Decoded trainImages = decoder.decode(train, classes);
      Decoded testImages = decoder.decode(test, classes);
      decoder.throwIfProblems(root);
      ImageDataset t = trainImages.dataset(name + "-train", classes, null, null);
      return new TrainTestData(t, testImages.dataset(name + "-test", classes, t.mean(), t.std()));
    }
    Listing all = Listing.of(root);
    Decoder decoder = new Decoder(s);
    Decoded images = decoder.decode(all, all.classes());
    decoder.throwIfProblems(root);
    return TrainTestData.holdOut(images.dataset(name, all.classes(), null, null), s.testFraction(), "evaluator.images.test_fraction");
  }

  /** The checked options: target size (0 = the images' own) and channels (0 = the first image's). */
  private record Settings(int height, int width, int channels, double testFraction) {
    static Settings of(DatasetConfig.Images o) {
      int h = 0;
      int w = 0;
      int c = 0;
      double f = DEFAULT_TEST_FRACTION;
      if (o != null) {
        if (o.size() != null) {
          if (o.size().isEmpty() || o.size().size() > 2 || o.size().stream().anyMatch(Objects::isNull)) {
            throw ConfigException.invalid("evaluator.images.size", "must be a number or [height, width], got " + o.size());
          }
          h = o.size().get(0);
          w = o.size().get(o.size().size() - 1);
          if (h < 1 || w < 1 || h > MAX_SIDE || w > MAX_SIDE) {
            throw ConfigException.invalid("evaluator.images.size", "must be 1.." + MAX_SIDE + " pixels, got " + o.size());
          }
        }
        if (o.channels() != null) {
          c = o.channels();
          if (c != 1 && c != 3) {
            throw ConfigException.invalid("evaluator.images.channels", "must be 1 (grayscale) or 3 (RGB), got " + c);
          }
        }
        if (o.testFraction() != null) {
          f = o.testFraction();
          if (!(f > 0 && f < 1)) {
            throw ConfigException.invalid("evaluator.images.test_fraction", "must be between 0 and 1 (exclusive), got " + f);
          }
        }
      }
      return new Settings(h, w, c, f);
    }
  }

  /**
   * DJL's image-folder listing with the class folders sorted by name (as DJL's ImageFolder does)
   * and, unlike it, the files of each class sorted too, so the same folder gives the same order
   * (and the same split) on every file system.
   */
  private static final class Listing extends AbstractImageFolder {
    private final Path dir;

    private Listing(Builder b, Path dir) {
      super(b);
      this.dir = dir;
    }

    static Listing of(Path dir) {
      Listing l = new Listing(new Builder().setRepositoryPath(dir).setSampling(1, false), dir);
      l.prepare(null);
      return l;
    }

    @Override
    protected Path getImagePath(String key) {
      return Path.of(key);
    }

    @Override
    public void prepare(Progress progress) {
      if (prepared) {
        return;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(Files::isDirectory)
            .map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith("."))
            .sorted()
            .forEach(synset::add);
      } catch (IOException e) {
        throw new BadInputException("cannot list image folder " + dir + ": " + e.getMessage(), e);
      }
      if (synset.isEmpty()) {
        throw new BadInputException(
            dir + " has no class folders: expected " + dir + "/<class>/<image> (or train/ and test/ parts, each with class folders)");
      }
      listImages(dir, synset);
      PairList<String, Integer> sorted = new PairList<>(items.size());
      items.stream()
          .sorted(Comparator.comparing((Pair<String, Integer> p) -> p.getValue()).thenComparing(Pair::getKey))
          .forEach(sorted::add);
      items = sorted;
      int[] counts = new int[synset.size()];
      items.values().forEach(c -> counts[c]++);
      List<String> empty = new ArrayList<>();
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] == 0) {
          empty.add(dir.resolve(synset.get(c)).toString());
        }
      }
      if (!empty.isEmpty()) {
        throw new BadInputException(
            "class folder" + (empty.size() > 1 ? "s " : " ") + String.join(", ", empty)
                + " hold" + (empty.size() > 1 ? "" : "s") + " no images (.png, .jpg, .jpeg, .bmp, .gif, .wbmp)");
      }
      prepared = true;
    }

    List<String> classes() {
      return synset;
    }

    int count() {
      return items.size();
    }

    Path file(int i) {
      return getImagePath(items.get(i).getKey());
    }

    int label(int i) {
      return items.get(i).getValue();
    }

    Image image(int i) throws IOException {
      return getImage(i);
    }

    private static final class Builder extends ImageFolderBuilder<Builder> {
      @Override
      protected Builder self() {
        return this;
      }
    }
  }

  /** Pixels and labels of one listing, classes numbered by the given class list. */
  private record Decoded(byte[] pixels, int[] labels, int channels, int height, int width) {
    ImageDataset dataset(String name, List<String> classes, float[] mean, float[] std) {
      return new ImageDataset(name, pixels, labels, channels, height, width, classes.size(), mean, std, classes);
    }
  }

  /**
   * Decodes listings to one geometry, fixed by the settings or by the first image decoded, and
   * collects every problem instead of stopping at the first.
   */
  private static final class Decoder {
    private final Settings settings;
    private final List<String> problems = new ArrayList<>();
    private int problemCount;
    private Path first;
    private int channels;
    private int height;
    private int width;

    Decoder(Settings settings) {
      this.settings = settings;
      this.channels = settings.channels();
      this.height = settings.height();
      this.width = settings.width();
    }

    Decoded decode(Listing listing, List<String> classes) {
      if (classes.size() < 2) {
        throw new BadInputException(
            listing.dir + " has " + classes.size() + " class folder (" + String.join(", ", classes)
                + "): a classifier needs at least two");
      }
      int n = listing.count();
      byte[] pixels = null;
      int[] labels = new int[n];
      try (NDManager manager = NDManager.newBaseManager()) {
        for (int i = 0; i < n; i++) {
          Path file = listing.file(i);
          labels[i] = classes.indexOf(listing.classes().get(listing.label(i)));
          Image image;
          try {
            image = listing.image(i);
          } catch (IOException | RuntimeException e) {
            problem(file + ": cannot decode: " + reason(e));
            continue;
          }
          if (!fits(file, image)) {
            continue;
          }
          if (pixels == null) {
            ImageDataset.checkBytes(listing.dir.toString(), n, channels, height, width);
            pixels = new byte[n * channels * height * width];
          }
          try (NDManager scope = manager.newSubManager()) {
            chw(toArray(image, scope), pixels, i * channels * height * width);
          }
        }
      }
      return new Decoded(pixels == null ? new byte[0] : pixels, labels, Math.max(channels, 1), Math.max(height, 1), Math.max(width, 1));
    }

    /** Fixes the geometry on the first image; checks the others against it where it is not configured. */
    private boolean fits(Path file, Image image) {
      int kind = image.getWrappedImage() instanceof BufferedImage b && b.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
      if (first == null) {
        first = file;
        channels = channels == 0 ? kind : channels;
        height = height == 0 ? image.getHeight() : height;
        width = width == 0 ? image.getWidth() : width;
        return true;
      }
      if (settings.channels() == 0 && kind != channels) {
        problem(file + " is " + kindName(kind) + " but the first image " + first + " is " + kindName(channels)
            + "; set evaluator.images.channels (1 or 3) to convert them all");
        return false;
      }
      if (settings.height() == 0 && (image.getHeight() != height || image.getWidth() != width)) {
        problem(String.format(Locale.ROOT, "%s is %dx%d (height x width) but the first image %s is %dx%d; "
            + "set evaluator.images.size to resize them all", file, image.getHeight(), image.getWidth(), first, height, width));
        return false;
      }
      return true;
    }

    private static String kindName(int channels) {
      return channels == 1 ? "grayscale" : "colour";
    }

    /** The image as {@code H x W x C} bytes at the target size. */
    private NDArray toArray(Image image, NDManager scope) {
      return resize(image.toNDArray(scope, channels == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR), height, width);
    }

    /** Copies {@code H x W x C} bytes into {@code dst} as {@code C x H x W} at {@code offset}. */
    private void chw(NDArray hwc, byte[] dst, int offset) {
      byte[] src = hwc.toByteArray();
      int plane = height * width;
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < channels; c++) {
          dst[offset + c * plane + p] = src[p * channels + c];
        }
      }
    }

    private void problem(String message) {
      problemCount++;
      if (problems.size() < LISTED) {
        problems.add(message);
      }
    }

    private static String reason(Exception e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      Throwable cause = e.getCause();
      return cause != null && cause.getMessage() != null && !m.contains(cause.getMessage()) ? m + " (" + cause.getMessage() + ")" : m;
    }

    void throwIfProblems(Path root) {
      if (problemCount > 0) {
        String more = problemCount > problems.size() ? "\n  ... and " + (problemCount - problems.size()) + " more" : "";
        throw new BadInputException(
            "image folder " + root + ": " + problemCount + " image" + (problemCount > 1 ? "s" : "") + " cannot be used:\n  "
                + String.join("\n  ", problems) + more);
      }
    }
  }

  /**
   * {@code H x W x C} bytes at {@code height x width}, as image folders are read for training:
   * unchanged at that size, area averaging when shrinking (no aliasing), bilinear otherwise.
   */
  public static NDArray resize(NDArray hwc, int height, int width) {
    long ih = hwc.getShape().get(0);
    long iw = hwc.getShape().get(1);
    if (ih == height && iw == width) {
      return hwc;
    }
    Image.Interpolation how = height <= ih && width <= iw ? Image.Interpolation.AREA : Image.Interpolation.BILINEAR;
    return NDImageUtils.resize(hwc.toType(DataType.FLOAT32, false), width, height, how)
        .round()
        .clip(0, 255)
        .toType(DataType.UINT8, false);
  }
}
