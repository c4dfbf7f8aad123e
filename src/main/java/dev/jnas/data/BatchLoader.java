package dev.jnas.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Cuts an {@link ImageDataset} into normalised float batches, {@code (x / 255 - mean) / std} per
 * channel, optionally shuffled and augmented (random crop of the zero-padded image, random
 * horizontal flip). Each epoch's order and augmentation flow from {@code (seed, epoch)} only.
 *
 * <p>Batches are made ahead on a prefetch thread as plain {@code float[]} (no NDArrays there: an
 * NDManager must not be shared between threads); the training thread turns each into an NDArray
 * inside its own per-batch manager with {@link HostBatch#images(NDManager)}.
 */
public final class BatchLoader {
  /** Batches made ahead of the consumer. */
  public static final int PREFETCH = 3;

  private final ImageDataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean augment;
  private final long seed;
  private final float[] lut;
  private final int pad;

  public BatchLoader(ImageDataset data, int batchSize, boolean shuffle, boolean augment, long seed) {
    this(data, batchSize, shuffle, augment, seed, data.mean(), data.std());
  }

  /**
   * A loader that normalises with the given per-channel statistics instead of the data's own: a
   * test set, or images to predict, scaled as the training set was.
   */
  public BatchLoader(
      ImageDataset data, int batchSize, boolean shuffle, boolean augment, long seed, float[] mean, float[] std) {
    if (batchSize <= 0) {
      throw new BadInputException("batch_size must be positive, got " + batchSize);
    }
    if (mean.length != data.channels() || std.length != data.channels()) {
      throw new BadInputException(
          data.name() + " has " + data.channels() + " channels but the normalisation has " + mean.length
              + " means and " + std.length + " standard deviations");
    }
    this.data = data;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.augment = augment;
    this.seed = seed;
    // one lookup per channel and byte value replaces a divide and subtract per pixel
    lut = new float[data.channels() * 256];
    for (int c = 0; c < data.channels(); c++) {
      for (int v = 0; v < 256; v++) {
        lut[c * 256 + v] = (v / 255f - mean[c]) / std[c];
      }
    }
    // the usual crops: 4 pixels of padding for 32x32 (CIFAR), 2 for 28x28 (MNIST-like)
    int side = Math.min(data.height(), data.width());
    pad = side >= 32 ? 4 : Math.max(1, side / 14);
  }

  public ImageDataset data() {
    return data;
  }

  public int batchSize() {
    return batchSize;
  }

  public int batchesPerEpoch() {
    return (data.size() + batchSize - 1) / batchSize;
  }

  /** Padding of the random crop, in pixels. */
  public int cropPadding() {
    return pad;
  }

  /**
   * One batch in host memory: {@code size} normalised images and their labels. The pixels are in
   * NHWC order (channels interleaved): {@code pixels[((i * height + y) * width + x) * channels + c]}.
   */
  public record HostBatch(float[] pixels, int[] labels, int size, int channels, int height, int width) {

    /**
     * The images as a {@code (size, C, H, W)} float32 array owned by {@code manager}. On the CPU
     * its memory stays in NHWC order ("channels last", a view, no copy): oneDNN's convolutions
     * then skip the reorders to and from their blocked layout, and PyTorch's batch norm, pooling
     * and element-wise kernels keep that layout through the whole network (cell networks train
     * ~1.4x faster, BENCHMARKS.md). On a GPU it is made contiguous NCHW, cuDNN's fp32 layout.
     */
    public NDArray images(NDManager manager) {
      NDArray nhwc =
          manager.create(
              FloatBuffer.wrap(pixels, 0, size * channels * height * width),
              new Shape(size, height, width, channels));
      NDArray nchw = nhwc.transpose(0, 3, 1, 2);
      if (!manager.getDevice().isGpu()) {
        return nchw;
      }
      // reshape of a view that is not contiguous copies in logical (N, C, H, W) order
      return nchw.reshape(-1).reshape(size, channels, height, width);
    }

    /** The labels as an int64 {@code (size)} array owned by {@code manager}. */
    public NDArray labelArray(NDManager manager) {
      long[] l = new long[size];
      for (int i = 0; i < size; i++) {
        l[i] = labels[i];
      }
      return manager.create(l);
    }
  }

  /**
   * Starts epoch {@code epoch}: its batches are prepared on a background thread. Close the
   * returned iterator (try-with-resources) to stop that thread early.
   */
  public Epoch epoch(int epoch) {
    return new Epoch(epoch);
  }

  /** The order of the images in epoch {@code epoch}. */
  int[] order(int epoch) {
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (shuffle) {
      ImageDataset.shuffle(order, new SplittableRandom(Rng.derive(seed, 2L * epoch)));
    }
    return order;
  }

  private HostBatch make(int[] order, int from, SplittableRandom augRng) {
    int n = Math.min(batchSize, order.length - from);
    int c = data.channels();
    int h = data.height();
    int w = data.width();
    int is = data.imageSize();
    float[] out = new float[n * is];
    int[] labels = new int[n];
    byte[] img = new byte[is];
    for (int k = 0; k < n; k++) {
      int i = order[from + k];
      labels[k] = data.label(i);
      data.copyImage(i, img, 0);
      int dy = 0;
      int dx = 0;
      boolean flip = false;
      if (augment) {
        dy = augRng.nextInt(2 * pad + 1) - pad;
        dx = augRng.nextInt(2 * pad + 1) - pad;
        flip = augRng.nextBoolean();
      }
      int base = k * is;
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        boolean rowInside = sy >= 0 && sy < h;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          boolean inside = rowInside && sx >= 0 && sx < w;
          int o = base + (y * w + x) * c;
          int src = sy * w + sx;
          for (int ch = 0; ch < c; ch++) {
            // padding is black before normalisation: lut[ch * 256]
            out[o + ch] = lut[ch * 256 + (inside ? img[ch * h * w + src] & 0xFF : 0)];
          }
        }
      }
    }
    return new HostBatch(out, labels, n, c, h, w);
  }

  /** The batches of one epoch, produced ahead on a daemon thread. */
  public final class Epoch implements Iterator<HostBatch>, AutoCloseable {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
    private final Thread producer;
    private volatile boolean cancelled;
    private Object next;

    private Epoch(int epoch) {
      int[] order = order(epoch);
      SplittableRandom augRng = new SplittableRandom(Rng.derive(seed, 2L * epoch + 1));
      producer =
          new Thread(
              () -> {
                try {
                  for (int from = 0; from < order.length && !cancelled; from += batchSize) {
                    queue.put(make(order, from, augRng));
                  }
                  queue.put(END);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                  queue.clear();
                  queue.offer(e);
                }
              },
              "jnas-prefetch-" + data.name());
      producer.setDaemon(true);
      producer.start();
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new NasException("interrupted while waiting for a batch", e);
        }
        if (next instanceof Throwable t) {
          throw new NasException("preparing a batch of " + data.name() + " failed: " + t, t);
        }
      }
      return next != END;
    }

    @Override
    public HostBatch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      HostBatch b = (HostBatch) next;
      next = null;
      return b;
    }

    /** Stops the producer (when the consumer leaves early) and waits for it. */
    @Override
    public void close() {
      cancelled = true;
      producer.interrupt();
      try {
        producer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queue.clear();
    }
  }
}
