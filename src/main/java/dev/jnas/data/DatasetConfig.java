package dev.jnas.data;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The dataset a training search uses and how to read it: the dataset fields of a config's {@code
 * evaluator} section, bound by Jackson (with unknown fields refused by the binder). Every field
 * may be null: {@link Datasets#load} applies the defaults and checks the values. Only the option
 * block of the chosen dataset may be given.
 *
 * <pre>
 * dataset: images            # fashion-mnist (default) | cifar10 | cifar100 | synthetic | images | idx
 * data_dir: my-images        # relative paths resolve against the config file's folder
 * images: {size: 32, channels: 3, test_fraction: 0.2}
 * </pre>
 *
 * @param dataset the dataset's name, see {@link Datasets#NAMES}
 * @param dataDir its folder: Fashion-MNIST's IDX files (default {@link FashionMnist#DEFAULT_FOLDER}),
 *     {@code cifar-10-batches-bin} / {@code cifar-100-binary} or their parent, the image folder's
 *     root, or the folder that relative {@code idx} paths start from
 * @param synthetic options of {@code dataset: synthetic}
 * @param images options of {@code dataset: images}
 * @param idx files of {@code dataset: idx}
 * @param cifar100 options of {@code dataset: cifar100}
 */
public record DatasetConfig(
    String dataset,
    @JsonProperty("data_dir") String dataDir,
    Synthetic synthetic,
    Images images,
    Idx idx,
    CifarLabels cifar100) {

  /** A dataset by name and folder, every option at its default. */
  public static DatasetConfig of(String dataset, String dataDir) {
    return new DatasetConfig(dataset, dataDir, null, null, null, null);
  }

  /**
   * A generated dataset with a learnable pattern (a bright square whose place is the class), for
   * trying jnas without data. Defaults: 6,000 train, 1,000 test, 1 channel, 28x28, 10 classes.
   */
  public record Synthetic(Integer train, Integer test, Integer channels, Integer size, Integer classes) {}

  /**
   * An image folder: {@code ROOT/<class>/*.png|jpg|...}, or {@code ROOT/train/<class>/...} with
   * {@code ROOT/test/<class>/...}.
   *
   * @param size the size every image is resized to: {@code 32} (32x32) or {@code [height, width]};
   *     null keeps the images' own size, which must then be the same for all
   * @param channels 1 (grayscale) or 3 (RGB); null takes the first image's kind, which must then
   *     be the same for all
   * @param testFraction the share of each class held out as the test set when the folder has no
   *     train/test parts (default 0.2; the split is stratified and fixed)
   */
  public record Images(
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> size,
      Integer channels,
      @JsonProperty("test_fraction") Double testFraction) {}

  /**
   * A pair of IDX files (unsigned-byte images, MNIST's format, gzip or not) for training and an
   * optional pair for testing; without a test pair, {@code test_fraction} of each class is held out.
   *
   * @param classNames names for labels 0..K-1 (default "0".."K-1")
   */
  public record Idx(
      @JsonProperty("train_images") String trainImages,
      @JsonProperty("train_labels") String trainLabels,
      @JsonProperty("test_images") String testImages,
      @JsonProperty("test_labels") String testLabels,
      @JsonProperty("test_fraction") Double testFraction,
      @JsonProperty("class_names") List<String> classNames) {}

  /** @param labels {@code fine} (100 classes, default) or {@code coarse} (20 superclasses) */
  public record CifarLabels(String labels) {}
}
