import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One convolution's forward and backward pass on channels-last activations (jnas's layout on the
 * CPU, batch 64), its kernel in NCHW order against the same kernel channels-last (what PyTorch's
 * {@code model.to(memory_format=torch.channels_last)} gives): ms per pass, alternating blocks of
 * 20 in one JVM, the first two blocks of each side not counted.
 *
 * <p>Run: java -Dai.djl.offline=true -cp target/jnas.jar bench/ConvKernelLayout.java C HW K [dw]
 * (C channels in and out, HW x HW maps, K x K kernel; dw: depthwise)
 */
public class ConvKernelLayout {
  public static void main(String[] a) {
    int n = 64, c = Integer.parseInt(a[0]), hw = Integer.parseInt(a[1]), k = Integer.parseInt(a[2]);
    boolean depthwise = a.length > 3 && a[3].equals("dw");
    int groups = depthwise ? c : 1;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(n, hw, hw, c)).transpose(0, 3, 1, 2);
      Shape ws = new Shape(c, depthwise ? 1 : c, k, k);
      NDArray wN = m.randomNormal(ws);
      NDArray wC = m.randomNormal(new Shape(c, k, k, depthwise ? 1 : c)).transpose(0, 3, 1, 2);
      wN.setRequiresGradient(true);
      wC.setRequiresGradient(true);
      double[] tot = new double[2];
      for (int block = 0; block < 12; block++) {
        for (int side = 0; side < 2; side++) {
          NDArray w = side == 0 ? wN : wC;
          long t0 = System.nanoTime();
          for (int it = 0; it < 20; it++) {
            try (NDManager s = m.newSubManager()) {
              JniUtils.setGradMode(true);
              NDArray y = x.getNDArrayInternal().convolution(x, w, null, new Shape(1, 1), new Shape(k / 2, k / 2), new Shape(1, 1), groups).singletonOrThrow();
              y.attach(s);
              NDArray l = y.sum();
              l.attach(s);
              JniUtils.backward((PtNDArray) l, (PtNDArray) s.ones(l.getShape()), false, false);
              JniUtils.setGradMode(false);
            }
          }
          if (block >= 2) tot[side] += (System.nanoTime() - t0) / 1e6 / 20;
        }
      }
      System.out.printf("c=%d hw=%d k=%d %s: kernel NCHW %.3f ms, channels-last %.3f ms, ratio %.3f%n", c, hw, k, depthwise ? "dw" : "full", tot[0] / 10, tot[1] / 10, tot[0] / tot[1]);
    }
  }
}
