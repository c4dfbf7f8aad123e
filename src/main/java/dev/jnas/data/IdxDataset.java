package dev.jnas.data;

import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigException;
import java.nio.file.Path;

/**
 * Any pair of IDX files (MNIST's format: unsigned-byte images and their labels, gzip or not) as a
 * dataset, with a test pair or a held-out share of each class. Labels 0..K-1 give K classes (K is
 * the largest label + 1, at least 2).
 */
public final class IdxDataset {
  private IdxDataset() {}

  /**
   * @param files the IDX files and options
   * @param base the folder relative paths start from
   */
  public static TrainTestData load(DatasetConfig.Idx files, Path base) {
    if (files == null || files.trainImages() == null || files.trainLabels() == null) {
      throw new BadInputException(
          "dataset idx needs evaluator.idx.train_images and evaluator.idx.train_labels (and optionally test_images and test_labels)");
    }
    if ((files.testImages() == null) != (files.testLabels() == null)) {
      throw ConfigException.invalid("evaluator.idx", "give both test_images and test_labels, or neither");
    }
    if (files.testImages() != null && files.testFraction() != null) {
      throw ConfigException.invalid("evaluator.idx.test_fraction", "applies only without test_images and test_labels");
    }
    IdxReader.Labelled train = IdxReader.readPair(base.resolve(files.trainImages()), base.resolve(files.trainLabels()));
    IdxReader.Labelled test =
        files.testImages() == null ? null : IdxReader.readPair(base.resolve(files.testImages()), base.resolve(files.testLabels()));
    if (test != null && (test.images().rows() != train.images().rows() || test.images().cols() != train.images().cols())) {
      throw new BadInputException(
          files.testImages() + " holds " + test.images().rows() + "x" + test.images().cols() + " images but "
              + files.trainImages() + " holds " + train.images().rows() + "x" + train.images().cols());
    }
    int classes = Math.max(maxLabel(train.labels()), test == null ? 0 : maxLabel(test.labels())) + 1;
    if (classes < 2) {
      throw new BadInputException(files.trainLabels() + ": every label is 0; a classifier needs at least two classes");
    }
    if (files.classNames() != null && files.classNames().size() != classes) {
      throw new BadInputException(
          "evaluator.idx.class_names has " + files.classNames().size() + " names but the labels go up to " + (classes - 1)
              + " (" + classes + " classes)");
    }
    String name = "idx";
    ImageDataset trainSet = dataset(name + "-train", train, classes, null, null, files);
    if (test == null) {
      double fraction = files.testFraction() == null ? ImageFolders.DEFAULT_TEST_FRACTION : files.testFraction();
      if (!(fraction > 0 && fraction < 1)) {
        throw ConfigException.invalid("evaluator.idx.test_fraction", "must be between 0 and 1 (exclusive), got " + fraction);
      }
      return TrainTestData.holdOut(trainSet.withName(name), fraction, "evaluator.idx.test_fraction");
    }
    return new TrainTestData(trainSet, dataset(name + "-test", test, classes, trainSet.mean(), trainSet.std(), files));
  }

  private static ImageDataset dataset(
      String name, IdxReader.Labelled pair, int classes, float[] mean, float[] std, DatasetConfig.Idx files) {
    IdxReader.Images im = pair.images();
    return new ImageDataset(name, im.pixels(), pair.labels(), 1, im.rows(), im.cols(), classes, mean, std, files.classNames());
  }

  private static int maxLabel(int[] labels) {
    int m = 0;
    for (int l : labels) {
      m = Math.max(m, l);
    }
    return m;
  }
}
