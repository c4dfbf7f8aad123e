package dev.jnas.data;

import dev.jnas.util.BadInputException;

/** A dataset's training and test parts. */
public record TrainTestData(ImageDataset train, ImageDataset test) {
  /** Fixed, so the same data always gives the same test set, whatever the experiment seed. */
  static final long HOLD_OUT_SEED = 0x5eed_f01d_e125L;

  /**
   * Holds out a stratified, fixed share of each class of {@code all} as the test part (for data
   * that comes without one).
   *
   * @param field the option that set {@code testFraction}, for messages
   * @throws BadInputException when a class would keep no training image or the test part is empty
   */
  static TrainTestData holdOut(ImageDataset all, double testFraction, String field) {
    ImageDataset.Split split = all.split(testFraction, HOLD_OUT_SEED);
    int[] perClass = new int[all.numClasses()];
    for (int i = 0; i < split.train().size(); i++) {
      perClass[split.train().label(i)]++;
    }
    for (int c = 0; c < perClass.length; c++) {
      if (perClass[c] == 0) {
        throw new BadInputException(
            all.name() + ": class '" + all.classNames().get(c) + "' has too few images to hold out " + field + " "
                + testFraction + " and keep any for training; add images or lower " + field);
      }
    }
    if (split.val().size() == 0) {
      throw new BadInputException(
          all.name() + ": " + field + " " + testFraction + " of " + all.size() + " images leaves no test image; raise " + field);
    }
    return new TrainTestData(split.train().withName(all.name() + "-train"), split.val().withName(all.name() + "-test"));
  }
}
