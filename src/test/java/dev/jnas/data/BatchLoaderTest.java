package dev.jnas.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.jnas.testing.Layouts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
          int id = Math.round(b.pixel(i, 0, 0, 0) * 255f);
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
      assertThat(pb.pixel(3, 2, 5, 6)).isEqualTo((raw / 255f - d.mean()[2]) / d.std()[2]);
      assertThat(ab.pixels().remaining()).isEqualTo(pb.pixels().remaining()).isEqualTo(16 * 3 * 32 * 32);
      assertThat(ab.pixels()).isNotEqualTo(pb.pixels());
      assertThat(ab.labels()).isEqualTo(pb.labels());
      NDArray x = ab.images(m);
      assertThat(x.getShape()).isEqualTo(new Shape(16, 3, 32, 32));
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
      // the (N, C, H, W) array holds the normalised pixels in logical order
      assertThat(pb.images(m).toFloatArray()[((3 * 3 + 2) * 32 + 5) * 32 + 6]).isEqualTo(pb.pixel(3, 2, 5, 6));
      assertThat(ab.labelArray(m).toLongArray()).hasSize(16);
    }
  }

  @Test
  void imagesAreTheNormalisedPixelsInLogicalOrderWithChannelsLastMemoryOnTheCpu() throws Exception {
    // odd statistics per channel, 7x5 images (not square), with and without augmentation
    ImageDataset d = ImageDataset.synthetic(12, 3, 7, 5, 2, 3);
    float[] mean = {0.3f, 0.55f, 0.1f};
    float[] std = {0.7f, 0.2f, 1.3f};
    for (boolean augment : new boolean[] {false, true}) {
      try (BatchLoader.Epoch it = new BatchLoader(d, 5, true, augment, 8, mean, std).epoch(2);
          NDManager m = NDManager.newBaseManager()) {
        BatchLoader.HostBatch b = it.next();
        NDArray x = b.images(m);
        assertThat(x.getShape()).isEqualTo(new Shape(5, 3, 7, 5));
        assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(Layouts.channelsLast(x)).isTrue();
        float[] got = x.toFloatArray();
        for (int i = 0, k = 0; i < 5; i++) {
          for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 7; y++) {
              for (int xx = 0; xx < 5; xx++, k++) {
                assertThat(got[k]).as("image %d channel %d (%d, %d)", i, c, y, xx).isEqualTo(b.pixel(i, c, y, xx));
              }
            }
          }
        }
        // made twice from one batch: the same values (the two arrays share the batch's bytes)
        assertThat(b.images(m).toFloatArray()).isEqualTo(got);
      }
    }
  }

  @Test
  void augmentationShiftsAndFlipsEachChannelPlaneWithBlackOutside() {
    // one 1-channel 5x4 image whose pixel is 10 * y + x + 1: every pixel of a crop tells its source
    byte[] px = new byte[20];
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 4; x++) {
        px[y * 4 + x] = (byte) (10 * y + x + 1);
      }
    }
    ImageDataset d = new ImageDataset("grid", px, new int[] {0}, 1, 5, 4, 2, new float[] {0f}, new float[] {1f});
    BatchLoader loader = new BatchLoader(d, 1, false, true, 3);
    int pad = loader.cropPadding();
    Set<String> seen = new HashSet<>();
    for (int epoch = 0; epoch < 60; epoch++) {
      try (BatchLoader.Epoch it = loader.epoch(epoch)) {
        BatchLoader.HostBatch b = it.next();
        int[][] v = new int[5][4];
        for (int y = 0; y < 5; y++) {
          for (int x = 0; x < 4; x++) {
            v[y][x] = Math.round(b.pixel(0, 0, y, x) * 255f);
          }
        }
        // some shift (dy, dx) within the padding and a flip explain every pixel
        boolean explained = false;
        for (int dy = -pad; dy <= pad && !explained; dy++) {
          for (int dx = -pad; dx <= pad && !explained; dx++) {
            for (boolean flip : new boolean[] {false, true}) {
              boolean ok = true;
              for (int y = 0; y < 5 && ok; y++) {
                for (int x = 0; x < 4 && ok; x++) {
                  int sy = y + dy;
                  int sx = (flip ? 3 - x : x) + dx;
                  int want = sy >= 0 && sy < 5 && sx >= 0 && sx < 4 ? 10 * sy + sx + 1 : 0;
                  ok = v[y][x] == want;
                }
              }
              if (ok) {
                explained = true;
                seen.add(dy + "," + dx + "," + flip);
                break;
              }
            }
          }
        }
        assertThat(explained).as("epoch %d: %s", epoch, Arrays.deepToString(v)).isTrue();
      }
    }
    // the draws cover shifts both ways and both orientations
    assertThat(seen.size()).isGreaterThan(6);
    assertThat(seen).anyMatch(s -> s.endsWith("true")).anyMatch(s -> s.endsWith("false"));
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

  @Test
  void onlyAnAugmentingLoaderPreparesBatchesOnAThreadOfItsOwn() {
    ImageDataset d = ImageDataset.synthetic(300, 1, 8, 8, 2, 1);
    for (boolean augment : new boolean[] {false, true}) {
      try (BatchLoader.Epoch it = new BatchLoader(d, 10, true, augment, 1).epoch(0)) {
        it.next();
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
            .as("augment %s", augment)
            .filteredOn(n -> n.startsWith("jnas-prefetch-synthetic-300"))
            .hasSize(augment ? 1 : 0);
        int batches = 1;
        while (it.hasNext()) {
          it.next();
          batches++;
        }
        assertThat(batches).isEqualTo(30);
        assertThat(it.hasNext()).isFalse();
      }
    }
  }
}
