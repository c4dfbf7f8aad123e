package dev.jnas.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.jnas.util.BadInputException;
import dev.jnas.util.NasException;
import dev.jnas.util.Rng;
import java.nio.ByteBuffer;
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
 * <p>Batches are direct buffers of raw bytes (no NDArrays: an NDManager must not be shared between
 * threads), made ahead on a prefetch thread when augmenting and on the consumer's thread when asked
 * for otherwise (one bulk copy per image); the training thread turns each into a normalised float
 * NDArray inside its own per-batch manager with {@link HostBatch#images(NDManager)}.
 */
public final class BatchLoader {
  /** Batches made ahead of the consumer when augmenting. */
  public static final int PREFETCH = 3;

  private final ImageDataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean augment;
  private final long seed;
  private final float[] mean;
  private final float[] std;
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
    this.mean = mean.clone();
    this.std = std.clone();
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
   * One batch in host memory: {@code size} images as raw bytes and their labels, with the
   * per-channel statistics that normalise them. {@code pixels} holds {@code size * channels *
   * height * width} unsigned bytes in the dataset's order, image after image, each channel plane
   * after plane (NCHW), already cropped and flipped where the loader augments; {@link #pixel}
   * reads one normalised value, {@link #images} all of them. The buffer is direct (off the Java
   * heap), so {@link #images} hands its memory to libtorch without copying it, and libtorch's
   * threads do the normalisation: the prefetch thread only moves bytes, which keeps it from
   * taking the cores from the training threads (BENCHMARKS.md).
   */
  public record HostBatch(
      ByteBuffer pixels, int[] labels, int size, int channels, int height, int width, float[] mean, float[] std) {

    /**
     * The normalised value {@code (x / 255 - mean[c]) / std[c]} of image {@code i}, channel {@code
     * c}, row {@code y}, column {@code x}, as {@link #images} computes it.
     */
    public float pixel(int i, int c, int y, int x) {
      int raw = pixels.get(((i * channels + c) * height + y) * width + x) & 0xFF;
      return (raw / 255f - mean[c]) / std[c];
    }

    /**
     * The normalised images as a {@code (size, C, H, W)} float32 array owned by {@code manager}.
     * On the CPU its memory is in NHWC order ("channels last"): oneDNN's convolutions then skip
     * the reorders to and from their blocked layout, and PyTorch's batch norm, pooling and
     * element-wise kernels keep that layout through the whole network (cell networks train ~1.4x
     * faster, BENCHMARKS.md). On a GPU it is contiguous NCHW, cuDNN's fp32 layout.
     *
     * <p>A few libtorch operations on the calling thread's manager, parallel on its threads: the
     * bytes (read in place on the CPU, copied once to a GPU), their conversion to float, the three
     * steps of the normalisation in place (in the same order and precision as {@link #pixel}),
     * and on the CPU the copy to NHWC order where there is more than one channel.
     */
    public NDArray images(NDManager manager) {
      NDArray x = manager.create(pixels.duplicate(), new Shape(size, channels, height, width), DataType.UINT8)
          .toType(DataType.FLOAT32, false);
      // in NCHW order the statistics broadcast over whole planes (over a last dimension of 3
      // channels libtorch's kernels took 8x as long)
      Shape stats = new Shape(channels, 1, 1);
      x.divi(255f).subi(manager.create(mean, stats)).divi(manager.create(std, stats));
      if (manager.getDevice().isGpu()) {
        return x;
      }
      // reshape of a view that is not contiguous copies in its logical (N, H, W, C) order; with
      // one channel that view is contiguous and nothing is copied
      return x.transpose(0, 2, 3, 1).reshape(-1).reshape(size, height, width, channels).transpose(0, 3, 1, 2);
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
   * Starts epoch {@code epoch}: with augmentation its batches are prepared on a background thread
   * (close the returned iterator, try-with-resources, to stop it early), without it as they are
   * asked for.
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
    int is = data.imageSize();
    int[] labels = new int[n];
    ByteBuffer pixels = ByteBuffer.allocateDirect(n * is);
    byte[] img = augment ? new byte[is] : null;
    byte[] out = augment ? new byte[is] : null;
    for (int k = 0; k < n; k++) {
      int i = order[from + k];
      labels[k] = data.label(i);
      if (augment) {
        data.copyImage(i, img, 0);
        int dy = augRng.nextInt(2 * pad + 1) - pad;
        int dx = augRng.nextInt(2 * pad + 1) - pad;
        cropFlip(img, out, dy, dx, augRng.nextBoolean());
        pixels.put(out);
      } else {
        data.copyImage(i, pixels);
      }
    }
    pixels.flip();
    return new HostBatch(pixels, labels, n, data.channels(), data.height(), data.width(), mean, std);
  }

  /**
   * {@code img} shifted by {@code (dy, dx)} and flipped when asked, into {@code out}: each
   * channel plane's pixels from outside the image are 0 (black, before normalisation).
   */
  private void cropFlip(byte[] img, byte[] out, int dy, int dx, boolean flip) {
    int h = data.height();
    int w = data.width();
    for (int ch = 0, plane = 0; ch < data.channels(); ch++, plane += h * w) {
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        int o = plane + y * w;
        if (sy < 0 || sy >= h) {
          java.util.Arrays.fill(out, o, o + w, (byte) 0);
          continue;
        }
        int src = plane + sy * w;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          out[o + x] = sx >= 0 && sx < w ? img[src + sx] : 0;
        }
      }
    }
  }

  /** The batches of one epoch, produced ahead on a daemon thread when augmenting. */
  public final class Epoch implements Iterator<HostBatch>, AutoCloseable {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
    private final Thread producer;
    private volatile boolean cancelled;
    private Object next;
    private final int[] inlineOrder; // without a producer: the epoch's order and the next batch's start
    private int inlineFrom;

    private Epoch(int epoch) {
      int[] order = order(epoch);
      if (!augment) {
        // a batch without augmentation is one bulk copy per image: made on the training thread
        // when asked for, since handing it over from another thread cost more than making it
        // (waking the producer preempted libtorch's spinning threads; BENCHMARKS.md)
        producer = null;
        inlineOrder = order;
        return;
      }
      inlineOrder = null;
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
      if (producer == null) {
        if (next == null) {
          try {
            next = inlineFrom < inlineOrder.length ? make(inlineOrder, inlineFrom, null) : END;
          } catch (RuntimeException e) {
            throw new NasException("preparing a batch of " + data.name() + " failed: " + e, e);
          }
          inlineFrom += batchSize;
        }
        return next != END;
      }
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
      if (producer == null) {
        return;
      }
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
