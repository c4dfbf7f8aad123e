package dev.jnas.api;

/** libtorch's intra-op thread count for processes that train no networks. */
public final class EngineThreads {
  static final String PROPERTY = "ai.djl.pytorch.num_threads";

  private EngineThreads() {}

  /**
   * One libtorch thread when only the REINFORCE controller uses the engine (tabular searches):
   * its tensors are a few KiB, so each op's OpenMP fork/join costs more than a second thread gains
   * (NAS-Bench-201, 10 seeds x 1,000 queries: 1,300 architectures/s with 2 threads, 2,150 with
   * one; same results). libtorch reads the count when the engine starts, so this must run
   * before; an explicit {@code -Dai.djl.pytorch.num_threads} wins.
   */
  public static void forControllerOnly() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "1");
    }
  }
}
