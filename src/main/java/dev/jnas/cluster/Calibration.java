package dev.jnas.cluster;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A worker's speed: float32 matrix products through libtorch for about a third of a second, in
 * GFLOP/s. Trials are dominated by such kernels, so the figure ranks machines the way their trial
 * times will (SHADHO's allocation gives the fastest workers the most complex subspaces).
 */
public final class Calibration {
  private Calibration() {}

  /** Measured GFLOP/s of a 256 x 256 float32 matrix product on this machine's CPU. */
  public static double gflops() {
    int n = 256;
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
      NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
      for (int i = 0; i < 5; i++) {
        a.matMul(b).close(); // warm-up
      }
      long start = System.nanoTime();
      long iterations = 0;
      while (System.nanoTime() - start < 300_000_000L) {
        for (int i = 0; i < 10; i++) {
          a.matMul(b).close();
        }
        iterations += 10;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return 2.0 * n * n * n * iterations / seconds / 1e9;
    }
  }
}
