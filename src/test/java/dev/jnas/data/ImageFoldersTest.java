package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFoldersTest {
  @TempDir Path root;

  /** Image {@code i} of class {@code c}: every pixel is {@code 10 * c + i}, so images can be traced. */
  private void grayImages(Path dir, String className, int c, int n, int size) throws IOException {
    for (int i = 0; i < n; i++) {
      int v = 10 * c + i;
      PngFolders.write(PngFolders.gray(size, size, (x, y) -> v), dir.resolve(className).resolve("img" + i + ".png"));
    }
  }

  private static DatasetConfig.Images options(List<Integer> size, Integer channels, Double testFraction) {
    return new DatasetConfig.Images(size, channels, testFraction);
  }

  /** Pixel value -> label, over a whole dataset. */
  private static Map<Integer, Integer> labelsByPixel(ImageDataset d) {
    Map<Integer, Integer> m = new HashMap<>();
    for (int i = 0; i < d.size(); i++) {
      m.put(d.pixel(i, 0, 0, 0), d.label(i));
    }
    return m;
  }

  private static int firstOfClass(ImageDataset d, int label) {
    for (int i = 0; i < d.size(); i++) {
      if (d.label(i) == label) {
        return i;
      }
    }
    throw new AssertionError("no image of class " + label);
  }

  @Test
  void classFoldersGiveSortedNamesAndAStratifiedFixedTestSplit() throws IOException {
    grayImages(root, "zebra", 2, 5, 8);
    grayImages(root, "ant", 0, 5, 8);
    grayImages(root, "cat", 1, 5, 8);
    Files.writeString(root.resolve("cat").resolve("notes.txt"), "not an image");
    Files.writeString(root.resolve("cat").resolve(".hidden.png"), "not read");

    TrainTestData d = ImageFolders.load(root, options(null, null, 0.4));
    assertThat(d.train().classNames()).containsExactly("ant", "cat", "zebra");
    assertThat(d.test().classNames()).containsExactly("ant", "cat", "zebra");
    assertThat(d.train().size()).isEqualTo(9);
    assertThat(d.test().size()).isEqualTo(6); // round(0.4 * 5) = 2 of each class
    assertThat(d.train().channels()).isEqualTo(1);
    assertThat(d.train().height()).isEqualTo(8);
    assertThat(d.train().width()).isEqualTo(8);
    // pixels survive exactly and each image keeps its folder's label
    Map<Integer, Integer> all = labelsByPixel(d.train());
    all.putAll(labelsByPixel(d.test()));
    assertThat(all).hasSize(15);
    all.forEach((pixel, label) -> assertThat(label).isEqualTo(pixel / 10));
    int[] testPerClass = new int[3];
    for (int i = 0; i < d.test().size(); i++) {
      testPerClass[d.test().label(i)]++;
    }
    assertThat(testPerClass).containsExactly(2, 2, 2);
    // the same folder gives the same split
    TrainTestData again = ImageFolders.load(root, options(null, null, 0.4));
    assertThat(labelsByPixel(again.test())).isEqualTo(labelsByPixel(d.test()));
  }

  @Test
  void trainAndTestFoldersAreUsedAsGiven() throws IOException {
    grayImages(root.resolve("train"), "a", 0, 3, 6);
    grayImages(root.resolve("train"), "b", 1, 4, 6);
    grayImages(root.resolve("test"), "b", 1, 2, 6);
    TrainTestData d = ImageFolders.load(root, null);
    assertThat(d.train().size()).isEqualTo(7);
    assertThat(d.test().size()).isEqualTo(2);
    assertThat(d.test().classNames()).containsExactly("a", "b");
    // a test set that lacks class a still numbers b as 1
    assertThat(d.test().label(0)).isEqualTo(1);
    assertThat(d.test().mean()).isEqualTo(d.train().mean());
  }

  @Test
  void resizesAndConvertsChannels() throws IOException {
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 3; i++) {
        PngFolders.write(PngFolders.rgb(20, 10, 200, 100 * c, 50), root.resolve("k" + c).resolve(i + ".png"));
      }
    }
    TrainTestData rgb = ImageFolders.load(root, options(List.of(4, 8), null, 0.34));
    ImageDataset t = rgb.train();
    assertThat(t.channels()).isEqualTo(3);
    assertThat(t.height()).isEqualTo(4);
    assertThat(t.width()).isEqualTo(8);
    int i1 = firstOfClass(t, 1);
    assertThat(new int[] {t.pixel(i1, 0, 2, 3), t.pixel(i1, 1, 2, 3), t.pixel(i1, 2, 2, 3)}).containsExactly(200, 100, 50);

    ImageDataset gray = ImageFolders.load(root, options(List.of(5), 1, 0.34)).train();
    assertThat(gray.channels()).isEqualTo(1);
    assertThat(gray.height()).isEqualTo(5);
    assertThat(gray.width()).isEqualTo(5);
    int g1 = firstOfClass(gray, 1);
    // luma 0.299 R + 0.587 G + 0.114 B of (200, 100, 50)
    assertThat(gray.pixel(g1, 0, 4, 4)).isEqualTo(Math.round(0.299f * 200 + 0.587f * 100 + 0.114f * 50));
  }

  @Test
  void grayImagesBecomeThreeEqualPlanesWhenAskedAndJpegsAreRead() throws IOException {
    grayImages(root, "a", 0, 2, 6);
    for (int i = 0; i < 2; i++) {
      PngFolders.write(PngFolders.gray(6, 6, (x, y) -> 120), root.resolve("b").resolve(i + ".jpg"));
    }
    ImageDataset d = ImageFolders.load(root, options(null, 3, 0.5)).train();
    assertThat(d.channels()).isEqualTo(3);
    for (int i = 0; i < d.size(); i++) {
      assertThat(d.pixel(i, 0, 1, 1)).isEqualTo(d.pixel(i, 1, 1, 1)).isEqualTo(d.pixel(i, 2, 1, 1));
      if (d.label(i) == 1) {
        assertThat(d.pixel(i, 0, 3, 3)).isBetween(115, 125); // JPEG is lossy
      }
    }
  }

  @Test
  void moreThanTenClasses() throws IOException {
    for (int c = 0; c < 12; c++) {
      grayImages(root, String.format("class%02d", c), c, 2, 4);
    }
    TrainTestData d = ImageFolders.load(root, options(null, null, 0.5));
    assertThat(d.train().numClasses()).isEqualTo(12);
    assertThat(d.train().classNames()).hasSize(12).endsWith("class11");
    assertThat(d.train().size()).isEqualTo(12);
    assertThat(d.test().size()).isEqualTo(12);
  }

  @Test
  void corruptImagesAreAllNamedWithTheDecodersReason() throws IOException {
    grayImages(root, "a", 0, 4, 8);
    grayImages(root, "b", 1, 4, 8);
    Path cut = PngFolders.truncate(root.resolve("a").resolve("img2.png"));
    Path text = Files.writeString(root.resolve("b").resolve("fake.png"), "this is not a PNG");
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("2 images cannot be used")
        .hasMessageContaining(cut + ": cannot decode:")
        .hasMessageContaining(text + ": cannot decode:");
  }

  @Test
  void mixedSizesOrKindsNeedAnOption() throws IOException {
    grayImages(root, "a", 0, 2, 8);
    grayImages(root, "b", 1, 2, 8);
    Path big = PngFolders.write(PngFolders.gray(9, 8, (x, y) -> 1), root.resolve("b").resolve("wide.png"));
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(big + " is 8x9 (height x width) but the first image")
        .hasMessageContaining("evaluator.images.size");
    assertThat(ImageFolders.load(root, options(List.of(8), null, 0.5)).train().width()).isEqualTo(8);

    Files.delete(big);
    Path colour = PngFolders.write(PngFolders.rgb(8, 8, 1, 2, 3), root.resolve("b").resolve("colour.png"));
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(colour + " is colour but the first image")
        .hasMessageContaining("evaluator.images.channels");
    assertThat(ImageFolders.load(root, options(null, 1, 0.5)).train().channels()).isEqualTo(1);
  }

  @Test
  void badLayoutsAreNamed() throws IOException {
    assertThatThrownBy(() -> ImageFolders.load(root.resolve("absent"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("absent")
        .hasMessageContaining("does not exist");
    PngFolders.write(PngFolders.gray(4, 4, (x, y) -> 0), root.resolve("loose.png"));
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("has no class folders");
    grayImages(root, "only", 0, 3, 4);
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("1 class folder (only)")
        .hasMessageContaining("at least two");
    Files.createDirectories(root.resolve("empty"));
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(root.resolve("empty") + " holds no images");
  }

  @Test
  void aTestClassWithoutTrainingFolderIsNamed() throws IOException {
    grayImages(root.resolve("train"), "a", 0, 2, 4);
    grayImages(root.resolve("train"), "b", 1, 2, 4);
    grayImages(root.resolve("test"), "c", 2, 2, 4);
    assertThatThrownBy(() -> ImageFolders.load(root, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("class 'c' has no folder in " + root.resolve("train"));
  }

  @Test
  void optionsAreBounded() throws IOException {
    grayImages(root, "a", 0, 2, 4);
    grayImages(root, "b", 1, 2, 4);
    assertThatThrownBy(() -> ImageFolders.load(root, options(List.of(2000), null, null)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.images.size' must be 1..1024");
    assertThatThrownBy(() -> ImageFolders.load(root, options(List.of(1, 2, 3), null, null)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("[height, width]");
    assertThatThrownBy(() -> ImageFolders.load(root, options(null, 2, null)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.images.channels' must be 1 (grayscale) or 3 (RGB)");
    assertThatThrownBy(() -> ImageFolders.load(root, options(null, null, 1.0)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.images.test_fraction");
    // at 0.9 both images of each class would go to the test set
    assertThatThrownBy(() -> ImageFolders.load(root, options(null, null, 0.9)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("too few images");
  }
}
