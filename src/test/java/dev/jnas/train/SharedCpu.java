package dev.jnas.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Test set-up for the shared 2-core build machine. */
final class SharedCpu {
  private SharedCpu() {}

  /**
   * One libtorch intra-op thread: with the cores oversubscribed, OpenMP's spinning worker threads
   * made small-network training ~7x slower than a single thread (measured 355 vs 2,500 images/s).
   */
  static void oneTorchThread() {
    Engine.getInstance();
    JniUtils.setNumThreads(1);
  }
}
