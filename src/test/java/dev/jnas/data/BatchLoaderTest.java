package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
  static final ImageDataset INDEXED = ImageDatasetTest.indexed(250, 5);

  /** Image ids of one epoch, in order (the indexed dataset's pixel is its id; mean 0, std 1). */
  static List<Integer> order(BatchLoader loader, int epoch, List<Integer> batchSizes) {
    List<Integer> ids = new ArrayList<>();
    try (BatchLoader.Epoch it = loader.epoch(epoch)) {
      while (it.hasNext()) {
        BatchLoader.HostBatch b = it.next();
        batchSizes.add(b.size());
        for (int i = 0; i < b.size(); i++) {
          int id = Math.round(b.pixels()[i] * 255f);
          ids.add(id);
          assertThat(b.labels()[i]).isEqualTo(INDEXED.label(id));
        }
      }
    }
    return ids;
  }

  @Test
  void anEpochCoversEveryImageOnceInShuffledBatches() {
    BatchLoader loader = new BatchLoader(INDEXED, 32, true, false, 4);
    List<Integer> sizes = new ArrayList<>();
    List<Integer> ids = order(loader, 1, sizes);
    assertThat(ids).hasSize(250).doesNotHaveDuplicates();
    assertThat(sizes).hasSize(loader.batchesPerEpoch()).startsWith(32).endsWith(250 - 7 * 32);
    assertThat(ids.subList(0, 20)).isNotEqualTo(ids.stream().sorted().toList().subList(0, 20));
  }

  @Test
  void sameSeedAndEpochGiveTheSameOrder() {
    List<Integer> a = order(new BatchLoader(INDEXED, 32, true, false, 4), 2, new ArrayList<>());
    List<Integer> b = order(new BatchLoader(INDEXED, 32, true, false, 4), 2, new ArrayList<>());
    List<Integer> nextEpoch = order(new BatchLoader(INDEXED, 32, true, false, 4), 3, new ArrayList<>());
    List<Integer> otherSeed = order(new BatchLoader(INDEXED, 32, true, false, 5), 2, new ArrayList<>());
    assertThat(a).isEqualTo(b).isNotEqualTo(nextEpoch).isNotEqualTo(otherSeed);
  }

  @Test
  void unshuffledKeepsTheDatasetOrder() {
    List<Integer> ids = order(new BatchLoader(INDEXED, 100, false, false, 0), 0, new ArrayList<>());
    assertThat(ids).isSorted().hasSize(250);
  }

  @Test
  void normalisesAndAugmentsWithoutChangingShapes() {
    ImageDataset d = ImageDataset.synthetic(40, 3, 32, 32, 4, 1);
    BatchLoader plain = new BatchLoader(d, 16, false, false, 9);
    BatchLoader augmented = new BatchLoader(d, 16, false, true, 9);
    assertThat(augmented.cropPadding()).isEqualTo(4);
    assertThat(new BatchLoader(ImageDataset.synthetic(4, 1, 28, 28, 2, 1), 2, false, true, 0).cropPadding()).isEqualTo(2);
    try (BatchLoader.Epoch p = plain.epoch(0);
        BatchLoader.Epoch a = augmented.epoch(0);
        NDManager m = NDManager.newBaseManager()) {
      BatchLoader.HostBatch pb = p.next();
      BatchLoader.HostBatch ab = a.next();
      // (x / 255 - mean) / std of channel 2, row 5, column 6 of image 3
      int raw = d.pixel(3, 2, 5, 6);
      int at = ((3 * 32 + 5) * 32 + 6) * 3 + 2; // NHWC
      assertThat(pb.pixels()[at]).isCloseTo((raw / 255f - d.mean()[2]) / d.std()[2], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(ab.pixels()).hasSameSizeAs(pb.pixels()).isNotEqualTo(pb.pixels());
      assertThat(ab.labels()).isEqualTo(pb.labels());
      NDArray x = ab.images(m);
      assertThat(x.getShape()).isEqualTo(new Shape(16, 3, 32, 32));
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
      // the (N, C, H, W) array reads the interleaved host pixels in logical order
      assertThat(pb.images(m).toFloatArray()[((3 * 3 + 2) * 32 + 5) * 32 + 6]).isEqualTo(pb.pixels()[at]);
      assertThat(ab.labelArray(m).toLongArray()).hasSize(16);
    }
  }

  @Test
  void closingEarlyStopsThePrefetchThread() throws Exception {
    BatchLoader loader = new BatchLoader(ImageDataset.synthetic(2000, 1, 8, 8, 2, 1), 10, true, true, 1);
    BatchLoader.Epoch it = loader.epoch(0);
    it.next();
    it.close();
    Thread.sleep(50);
    assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
        .noneMatch(n -> n.startsWith("jnas-prefetch-synthetic-2000"));
  }
}
