package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import org.junit.jupiter.api.Test;

/** A loader given other statistics than its data's own (a test set scaled as the training set). */
class BatchLoaderNormalisationTest {
  @Test
  void givenStatisticsReplaceTheDatasOwn() {
    ImageDataset data = ImageDataset.synthetic(10, 2, 4, 4, 3, 1);
    float[] mean = {0.5f, 0.25f};
    float[] std = {0.5f, 2f};
    try (BatchLoader.Epoch it = new BatchLoader(data, 10, false, false, 0, mean, std).epoch(0)) {
      BatchLoader.HostBatch b = it.next();
      for (int c = 0; c < 2; c++) {
        assertThat(b.pixel(3, c, 1, 2)).isEqualTo((data.pixel(3, c, 1, 2) / 255f - mean[c]) / std[c]);
      }
    }
  }

  @Test
  void statisticsForAnotherChannelCountAreBadInput() {
    ImageDataset data = ImageDataset.synthetic(4, 3, 4, 4, 2, 1);
    assertThatThrownBy(() -> new BatchLoader(data, 2, false, false, 0, new float[1], new float[1]))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("3 channels")
        .hasMessageContaining("1 means");
  }
}
