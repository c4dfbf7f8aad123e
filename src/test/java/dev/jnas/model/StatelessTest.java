package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The named blocks that replaced DJL's LambdaBlocks compute the same numbers and save the same
 * bytes, so models trained and saved before still load and trials give the same results.
 */
class StatelessTest {
  private static final Shape BATCH = new Shape(2, 3, 7, 7);

  private static byte[] saved(Block b, NDManager m) throws Exception {
    b.initialize(m, DataType.FLOAT32, BATCH);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    b.saveParameters(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  private static float[] forward(Block b, NDManager m, NDArray x) {
    return b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
  }

  @Test
  void sameNumbersAndSameSavedBytesAsTheLambdaBlocksTheyReplace() throws Exception {
    List<Block[]> pairs =
        List.of(
            new Block[] {new Stateless.Act("relu"), Activation.reluBlock()},
            new Block[] {new Stateless.Act("mish"), Activation.mishBlock()},
            new Block[] {new Stateless.Act("leaky_relu", 0.01f), Activation.leakyReluBlock(0.01f)},
            new Block[] {new Stateless.Act("gelu"), Activation.geluBlock()},
            new Block[] {new Stateless.Act("swish"), Activation.swishBlock(1f)},
            new Block[] {new Stateless.Identity(), Blocks.identityBlock()},
            new Block[] {new Stateless.Flatten(), Blocks.batchFlattenBlock()},
            new Block[] {Stateless.Pool2d.avg(3, 2, 1, false, false),
                Pool.avgPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false, false)},
            new Block[] {Stateless.Pool2d.avg(2, 2, 0, true, false),
                Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false)},
            new Block[] {Stateless.Pool2d.max(3, 2, 1, false),
                Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false)},
            new Block[] {Stateless.GlobalPool.max(), Pool.globalMaxPool2dBlock()});
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(NetworkChecks.randomFloats(BATCH.size(), 11), BATCH).mul(3);
      for (Block[] p : pairs) {
        // inside a sequential block, as the builders use them: its shape inference runs too
        Block ours = new SequentialBlock().add(p[0]);
        Block theirs = new SequentialBlock().add(p[1]);
        assertThat(saved(ours, m)).as(p[0].getClass().getSimpleName()).isEqualTo(saved(theirs, m));
        assertThat(forward(ours, m, x)).as(p[0].getClass().getSimpleName()).containsExactly(forward(theirs, m, x));
        assertThat(ours.getOutputShapes(new Shape[] {BATCH})).isEqualTo(theirs.getOutputShapes(new Shape[] {BATCH}));
      }
    }
  }
}
