package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
  @TempDir Path dir;

  /** n images of 5x4 whose pixels all equal the image's index, labels i % classes. */
  private void writePair(String prefix, int n, int classes) throws Exception {
    byte[] px = new byte[n * 20];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(px, i * 20, (i + 1) * 20, (byte) i);
      labels[i] = i % classes;
    }
    IdxFiles.write(dir.resolve(prefix + "-images.gz"), IdxFiles.images(n, 5, 4, px), true);
    IdxFiles.write(dir.resolve(prefix + "-labels"), IdxFiles.labels(labels), false);
  }

  private static DatasetConfig.Idx idx(String train, String test, Double fraction, List<String> names) {
    return new DatasetConfig.Idx(
        train == null ? null : train + "-images.gz", train == null ? null : train + "-labels",
        test == null ? null : test + "-images.gz", test == null ? null : test + "-labels", fraction, names);
  }

  @Test
  void aTrainAndTestPairWithTwelveClasses() throws Exception {
    writePair("tr", 48, 12);
    writePair("te", 12, 12);
    TrainTestData d = IdxDataset.load(idx("tr", "te", null, null), dir);
    assertThat(d.train().size()).isEqualTo(48);
    assertThat(d.test().size()).isEqualTo(12);
    assertThat(d.train().numClasses()).isEqualTo(12);
    assertThat(d.train().height()).isEqualTo(5);
    assertThat(d.train().width()).isEqualTo(4);
    assertThat(d.train().label(13)).isEqualTo(1);
    assertThat(d.train().pixel(13, 0, 4, 3)).isEqualTo(13);
    assertThat(d.test().classNames()).hasSize(12).endsWith("11");
    assertThat(d.test().mean()).isEqualTo(d.train().mean());
  }

  @Test
  void withoutATestPairAShareOfEachClassIsHeldOut() throws Exception {
    writePair("tr", 40, 4);
    List<String> names = List.of("n", "e", "s", "w");
    TrainTestData d = Datasets.load(
        new DatasetConfig("idx", dir.toString(), null, null, idx("tr", null, 0.25, names), null), null);
    assertThat(d.test().size()).isEqualTo(12); // round(0.25 * 10) = 3 per class
    assertThat(d.train().size()).isEqualTo(28);
    assertThat(d.train().classNames()).isEqualTo(names);
  }

  @Test
  void badPairsAndOptionsAreNamed() throws Exception {
    writePair("tr", 10, 3);
    writePair("one", 4, 1);
    assertThatThrownBy(() -> IdxDataset.load(idx(null, null, null, null), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.idx.train_images");
    assertThatThrownBy(() -> IdxDataset.load(new DatasetConfig.Idx("tr-images.gz", "tr-labels", "tr-images.gz", null, null, null), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("both test_images and test_labels");
    assertThatThrownBy(() -> IdxDataset.load(idx("tr", null, null, List.of("a", "b")), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("class_names has 2 names but the labels go up to 2");
    assertThatThrownBy(() -> IdxDataset.load(idx("one", null, null, null), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("at least two classes");
    assertThatThrownBy(() -> IdxDataset.load(new DatasetConfig.Idx("tr-images.gz", "one-labels", null, null, null, null), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("holds 10 images but")
        .hasMessageContaining("holds 4 labels");
    Files.delete(dir.resolve("tr-labels"));
    assertThatThrownBy(() -> IdxDataset.load(idx("tr", null, null, null), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(dir.resolve("tr-labels") + ": no such file");
  }
}
