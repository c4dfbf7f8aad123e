package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  private static DatasetConfig read(String yaml) throws Exception {
    return Json.YAML.readValue(yaml, DatasetConfig.class);
  }

  private static DatasetConfig synthetic(String options) throws Exception {
    return read("dataset: synthetic\nsynthetic: " + options);
  }

  @Test
  void bindsTheConfigFieldsAndRefusesUnknownOnesListingTheValidNames() throws Exception {
    DatasetConfig c = read("dataset: images\ndata_dir: pics\nimages: {size: 32, channels: 3, test_fraction: 0.1}");
    assertThat(c.images().size()).containsExactly(32);
    assertThat(c.images().testFraction()).isEqualTo(0.1);
    assertThat(read("images: {size: [24, 32]}").images().size()).containsExactly(24, 32);
    assertThat(read("idx: {train_images: a, train_labels: b, class_names: [x, y]}").idx().classNames()).containsExactly("x", "y");
    assertThat(read("cifar100: {labels: coarse}").cifar100().labels()).isEqualTo("coarse");
    assertThatThrownBy(() -> read("images: {colour: true}"))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("colour")
        .hasMessageContaining("test_fraction");
  }

  @Test
  void syntheticSizesAreBoundedNamingTheField() throws Exception {
    TrainTestData d = Datasets.load(synthetic("{train: 30, test: 10, size: 12, classes: 12, channels: 3}"), null);
    assertThat(d.train().numClasses()).isEqualTo(12);
    assertThat(d.train().classNames()).hasSize(12);
    assertThat(d.test().channels()).isEqualTo(3);
    assertThatThrownBy(() -> Datasets.load(synthetic("{size: 2000}"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.synthetic.size' must be 1..512, got 2,000");
    assertThatThrownBy(() -> Datasets.load(synthetic("{classes: 1}"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.synthetic.classes' must be 2..1,000");
    assertThatThrownBy(() -> Datasets.load(synthetic("{train: 2000000000}"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.synthetic.train' must be 1..1,000,000");
    assertThatThrownBy(() -> Datasets.load(synthetic("{train: 1000000, size: 512, channels: 16}"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.synthetic")
        .hasMessageContaining("more than the 2,147,483,639 bytes");
    assertThatThrownBy(() -> ImageDataset.synthetic(10, 1, 50_000, 50_000, 2, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("more than");
  }

  @Test
  void optionsOfAnotherDatasetAndUnknownNamesAreRefused() {
    DatasetConfig stray =
        new DatasetConfig("fashion-mnist", null, new DatasetConfig.Synthetic(1, 1, 1, 1, 2), new DatasetConfig.Images(null, 1, null), null, null);
    assertThatThrownBy(() -> Datasets.load(stray, null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.synthetic, evaluator.images do not apply to dataset fashion-mnist");
    assertThatThrownBy(() -> Datasets.load(DatasetConfig.of("synthetic", "somewhere"), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("evaluator.data_dir does not apply to dataset synthetic");
    assertThatThrownBy(() -> Datasets.load(DatasetConfig.of("imagenet", null), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown dataset 'imagenet'")
        .hasMessageContaining("cifar100, synthetic, images, idx");
    assertThatThrownBy(() -> Datasets.load(DatasetConfig.of("images", null), null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("dataset images needs evaluator.data_dir");
    assertThatThrownBy(() -> Datasets.load(DatasetConfig.of("cifar10", "nowhere"), dir))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'evaluator.data_dir' " + dir.resolve("nowhere") + " does not exist");
  }

  @Test
  void relativeFoldersResolveAgainstTheBaseFolder() throws Exception {
    Path batches = Files.createDirectories(dir.resolve("data").resolve(Cifar10.FOLDER));
    for (int i = 1; i <= 5; i++) {
      Files.write(batches.resolve("data_batch_" + i + ".bin"), Cifar10Test.records(1, i));
    }
    Files.write(batches.resolve("test_batch.bin"), Cifar10Test.records(2, 0));
    TrainTestData d = Datasets.load(DatasetConfig.of("CIFAR-10", "data"), dir);
    assertThat(d.train().size()).isEqualTo(5);
    assertThat(d.test().classNames()).isEqualTo(Cifar10.NAMES);
    assertThat(Datasets.load(DatasetConfig.of("cifar_10", dir.resolve("data").toString()), Path.of("/elsewhere")).test().size())
        .isEqualTo(2);
    assertThat(List.of(d.train().channels(), d.train().height(), d.train().width())).containsExactly(3, 32, 32);
  }
}
