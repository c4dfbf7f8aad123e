import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Single operators' forward and backward pass on channels-last activations (as jnas trains on the
 * CPU, batch 64), ms per pass (best of 6 blocks of 20 after 2), through DJL's API only, so the same
 * file runs against other DJL and libtorch versions on the class path (bench/peer_ops.py is the
 * same on the Python side).
 *
 * <p>Run: java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp CLASSPATH bench/OpsByLibtorch.java
 * where CLASSPATH is target/jnas.jar, or DJL's api, pytorch-engine, pytorch-jni and
 * pytorch-native-cpu jars of one version with gson, jna and slf4j (BENCHMARKS.md).
 */
public class OpsByLibtorch {
  public static void main(String[] a) {
    int n = 64;
    String[] cases = {"conv1x1 16 28", "dw3x3 16 28", "conv3x3 16 28", "conv1x1 32 14", "dw5x5 32 14", "bnrelu 16 28"};
    try (NDManager m = NDManager.newBaseManager()) {
      StringBuilder out = new StringBuilder(ai.djl.engine.Engine.getInstance().getVersion() + ":");
      for (String cs : cases) {
        String[] p = cs.split(" ");
        int c = Integer.parseInt(p[1]), hw = Integer.parseInt(p[2]);
        NDArray x = m.randomNormal(new Shape(n, hw, hw, c)).transpose(0, 3, 1, 2);
        x.setRequiresGradient(true);
        int k = p[0].endsWith("1x1") ? 1 : p[0].endsWith("3x3") ? 3 : 5;
        boolean dw = p[0].startsWith("dw");
        NDArray w = m.randomNormal(new Shape(c, dw ? 1 : c, k, k));
        w.setRequiresGradient(true);
        NDArray gamma = m.ones(new Shape(c)), beta = m.zeros(new Shape(c)), rm = m.zeros(new Shape(c)), rv = m.ones(new Shape(c));
        gamma.setRequiresGradient(true);
        beta.setRequiresGradient(true);
        double best = Double.MAX_VALUE;
        for (int block = 0; block < 8; block++) {
          long t0 = System.nanoTime();
          for (int it = 0; it < 20; it++) {
            try (NDManager s = m.newSubManager()) {
              JniUtils.setGradMode(true);
              NDArray y;
              if (p[0].equals("bnrelu")) {
                y = x.getNDArrayInternal().batchNorm(x, rm, rv, gamma, beta, 1, 0.1f, 1e-5f, true).singletonOrThrow().getNDArrayInternal().relu();
              } else {
                y = x.getNDArrayInternal().convolution(x, w, null, new Shape(1, 1), new Shape(k / 2, k / 2), new Shape(1, 1), dw ? c : 1).singletonOrThrow();
              }
              y.attach(s);
              NDArray l = y.sum();
              l.attach(s);
              JniUtils.backward((PtNDArray) l, (PtNDArray) s.ones(l.getShape()), false, false);
              JniUtils.setGradMode(false);
            }
          }
          double ms = (System.nanoTime() - t0) / 1e6 / 20;
          if (block >= 2) best = Math.min(best, ms);
        }
        out.append(String.format(" %s %.3f", cs.replace(' ', '/'), best));
      }
      System.out.println(out);
    }
  }
}
