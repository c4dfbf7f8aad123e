package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.space.Architecture;
import dev.jnas.space.Decision;
import dev.jnas.space.ResNetScopeSpace;
import dev.jnas.space.ResNetScopeSpace.Bottleneck;
import dev.jnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The supernet of {@link ResNetScopeSpace}: the stand-alone ResNet-50 skeleton (stem, plain
 * bottlenecks outside the scope, head) in which every search block is a residual block
 * {@code act(branch(x) + shortcut(x))} with two mixed ops of the block's label, in this order:
 *
 * <ol>
 *   <li>the residual branch: the six candidate branches (conv1x1 BN act, conv kxk BN act, conv1x1
 *       BN), each with its own weights; all output the block's shape, so they sum or mix;
 *   <li>the activation after the addition: the six candidates' activations (parameter-free).
 * </ol>
 *
 * <p>The shortcut (identity or projection) lies outside both, shared by the candidates. A sampled
 * path is therefore exactly the stand-alone block of that option; under DARTS's weights the block
 * computes {@code sum_k w_k act_k(sum_j w_j branch_j(x) + shortcut(x))}. {@link #mixedOps()} holds
 * two ops per label, branch before activation, in network order.
 */
public final class ResNetScopeSupernet extends Supernet {
  private final ResNetScopeSpace space;

  public ResNetScopeSupernet(ResNetScopeSpace space, Shape inputShape, int numClasses) {
    super(space, new ResNetScopeBuilder(space), labels(space), inputShape, numClasses);
    this.space = space;
    Architecture first = new Architecture(space.name(), new int[space.decisions().size()]);
    Builders.checkArguments(space, first, inputShape, numClasses);
    setBlock(
        ResNetScopeBuilder.skeleton(space, space.bottlenecks(first), inputShape, numClasses, this::bottleneck).block());
  }

  private static List<Label> labels(ResNetScopeSpace space) {
    List<Label> out = new ArrayList<>();
    for (Decision d : space.decisions()) {
      out.add(new Label(d.name(), ResNetScopeSpace.OPS));
    }
    return out;
  }

  /** A plain block outside the scope; a block of two mixed ops inside it. */
  private Built bottleneck(Bottleneck b, Shape input, int width, int output, int stride) {
    if (!b.searched()) {
      return ResNetScopeBuilder.bottleneck(b, input, width, output, stride);
    }
    List<String> ops = ResNetScopeSpace.OPS;
    List<Built> branches = new ArrayList<>();
    for (int op = 0; op < ops.size(); op++) {
      branches.add(ResNetScopeBuilder.branch(
          input, width, output, stride, ResNetScopeSpace.kernel(op), ResNetScopeSpace.activation(op)));
    }
    Shape out = branches.get(0).output();
    List<Built> activations = new ArrayList<>();
    for (int op = 0; op < ops.size(); op++) {
      activations.add(ResNetScopeBuilder.activation(ResNetScopeSpace.activation(op), out));
    }
    MixedOp branch = new MixedOp(state, b.decision(), input, out, ops, branches);
    MixedOp activation = new MixedOp(state, b.decision(), out, out, ops, activations);
    return ResNetScopeBuilder.residual(input, new Built(branch, out, 0), new Built(activation, out, 0), stride);
  }





}
