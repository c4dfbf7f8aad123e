import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.reflect.Method;

/**
 * Training batch norm on channels-last activations, batch 64: libtorch's batch_norm against jnas's
 * row-operator form (model.BatchNorm2d.channelsLastNorm), forward and backward ms (best of 10
 * blocks of 40 after 2), for channel counts C and plane sizes HW given as "C HW" cases.
 *
 * <p>Run (after mvn package): java -XX:TieredStopAtLevel=1 -Dai.djl.offline=true
 * -Dai.djl.pytorch.num_threads=2 -cp target/jnas.jar bench/BatchNormChannels.java ["8 32;12 16"]
 * with the launcher's MALLOC_* variables (./jnas sets them) for its numbers (BENCHMARKS.md).
 */
public class BatchNormChannels {
  public static void main(String[] args) throws ReflectiveOperationException {
    String cases = args.length > 0 ? args[0] : "3 32;4 32;8 32;8 16;12 32;12 16;16 32;24 16;32 16;36 16;36 8;48 16;64 8";
    Method folded = Class.forName("dev.jnas.model.BatchNorm2d").getDeclaredMethod(
        "channelsLastNorm", NDArray.class, NDArray.class, NDArray.class, NDArray.class, NDArray.class, boolean.class);
    folded.setAccessible(true);
    int n = 64;
    StringBuilder out = new StringBuilder("C  HW  libtorch fwd bwd  rows fwd bwd  speed-up\n");
    try (NDManager m = NDManager.newBaseManager()) {
      for (String cs : cases.split(";")) {
        String[] p = cs.trim().split(" +");
        int c = Integer.parseInt(p[0]);
        int hw = Integer.parseInt(p[1]);
        NDArray input = m.randomNormal(new Shape(n, hw, hw, c)).transpose(0, 3, 1, 2); // channels-last
        NDArray upstream = m.randomNormal(new Shape(n, hw, hw, c)).transpose(0, 3, 1, 2);
        NDArray gamma = m.ones(new Shape(c));
        NDArray beta = m.zeros(new Shape(c));
        NDArray mean = m.zeros(new Shape(c));
        NDArray var = m.ones(new Shape(c));
        gamma.setRequiresGradient(true);
        beta.setRequiresGradient(true);
        double[][] best = {{1e9, 1e9}, {1e9, 1e9}};
        for (int block = 0; block < 12; block++) {
          for (int way = 0; way < 2; way++) {
            double f = 0;
            double b = 0;
            for (int it = 0; it < 40; it++) {
              try (NDManager s = m.newSubManager()) {
                NDArray x = input.duplicate(); // a fresh leaf: no gradient accumulates across passes
                x.attach(s);
                x.setRequiresGradient(true);
                JniUtils.setGradMode(true);
                long t0 = System.nanoTime();
                NDArray y = way == 0
                    ? JniUtils.batchNorm((PtNDArray) x, (PtNDArray) mean, (PtNDArray) var, (PtNDArray) gamma,
                        (PtNDArray) beta, true, 0.1, 1e-5)
                    : (NDArray) folded.invoke(null, x, mean, var, gamma, beta, true);
                y.attach(s);
                long t1 = System.nanoTime();
                JniUtils.backward((PtNDArray) y, (PtNDArray) upstream, false, false);
                long t2 = System.nanoTime();
                JniUtils.setGradMode(false);
                for (NDArray param : new NDArray[] {gamma, beta}) {
                  try (NDArray grad = param.getGradient()) {
                    grad.subi(grad);
                  }
                }
                f += (t1 - t0) / 1e6;
                b += (t2 - t1) / 1e6;
              }
            }
            if (block >= 2) {
              best[way][0] = Math.min(best[way][0], f / 40);
              best[way][1] = Math.min(best[way][1], b / 40);
            }
          }
        }
        out.append(String.format("%-3d%-4d%8.3f %6.3f %8.3f %6.3f %8.2f%n", c, hw, best[0][0], best[0][1], best[1][0],
            best[1][1], (best[0][0] + best[0][1]) / (best[1][0] + best[1][1])));
      }
    }
    System.out.print(out);
  }
}
