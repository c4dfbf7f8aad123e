package dev.jnas.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped example of a declarative space with a layers template stays valid (README "Your own search space"). */
class OwnSpaceExampleTest {
  @Test
  void theExampleBuildsANetworkForEveryArchitectureOfItsSpace() {
    ExperimentConfig config = ExperimentConfig.load(Path.of("examples/own-space.yaml"));
    SearchSpace space = SearchSpaces.fromConfig(config.space());
    // 2 blocks x 2 widths x 2 kernels x 3 activations x (no head + 2 head widths) x 2 dropouts
    assertThat(space.size()).isEqualTo(BigInteger.valueOf(144));
    ModelBuilder builder = ModelBuilders.fromConfig(config.model(), space);
    Shape mnist = new Shape(1, 28, 28);
    builder.validate(mnist, 10);
    Architecture a = space.decode("blocks=2,width=32,kernel=3,act=gelu,head=1,units=128,dropout=0.25");
    NetworkChecks.forwardAndStep(builder, a, mnist, 10);
    // conv 3x3 1->32 and 32->32 on 28x28, conv 3x3 32->64 on 14x14, dense 64->128, output 128->10
    long flops = 9L * 1 * 32 * 784 + 9L * 32 * 32 * 784 + 9L * 32 * 64 * 196 + 64 * 128 + 128 * 10;
    assertThat(builder.flops(a, mnist, 10)).isEqualTo(flops);
  }
}
