package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.util.Rng;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The contract over a progressive cell space (PNAS: cells of 1 to 3 blocks, shared by normal and
 * reduction cells), plus the properties PNAS's expansion relies on.
 */
class ProgressiveCellSpaceContractTest extends SearchSpaceContract {
  private static final CellSpace SPACE =
      new CellSpace(3, List.of("identity", "max_pool_3x3", "sep_conv_3x3"), 1, 4, 2, true, true);

  @Override
  protected SearchSpace space() {
    return SPACE;
  }

  @Override
  protected boolean unconstrained() {
    return false;
  }

  @Property(tries = 30)
  void grownCellsKeepTheParentAndAddEveryPossibleBlock(@ForAll long seed) {
    Architecture a = SPACE.sample(Rng.of(seed));
    int n = SPACE.blocks(a);
    if (n == SPACE.blocks()) {
      return; // a full cell cannot grow; sampled often enough below full
    }
    List<Architecture> grown = SPACE.grown(a);
    assertThat(new HashSet<>(grown)).hasSize(grown.size());
    assertThat(grown).hasSize((n + 2) * (n + 2) * SPACE.ops().size() * SPACE.ops().size());
    for (Architecture g : grown) {
      assertThat(SPACE.violation(g)).isEmpty();
      assertThat(SPACE.blocks(g)).isEqualTo(n + 1);
      assertThat(SPACE.normalCell(g).subList(0, n)).isEqualTo(SPACE.normalCell(a));
      assertThat(SPACE.reductionCell(g)).isEqualTo(SPACE.normalCell(g));
      assertThat(SPACE.ofCell(SPACE.normalCell(g))).isEqualTo(g);
    }
    assertThat(SPACE.neighbours(a)).containsAll(grown);
  }

  @Property(tries = 30)
  void stringHasOneBlockPerActiveBlockAndRoundTripsThroughTheCell(@ForAll long seed) {
    Architecture a = SPACE.sample(Rng.of(seed));
    String s = SPACE.encode(a);
    assertThat(s).startsWith("cell:").doesNotContain(";");
    assertThat(s.split("/")).hasSize(SPACE.blocks(a));
    assertThat(SPACE.ofCell(SPACE.normalCell(a))).isEqualTo(a);
    for (int i = 0; i < a.size(); i++) {
      boolean active = i == 0 || (i - 1) / 4 < SPACE.blocks(a);
      assertThat(SPACE.isActive(a, i)).isEqualTo(active);
      assertThat(SPACE.toJson(a).path("decisions").has(SPACE.decisions().get(i).name())).isEqualTo(active);
    }
  }

  @Property(tries = 30)
  void samplesAndMutationsReachEveryCellSize(@ForAll long seed) {
    Rng rng = Rng.of(seed);
    java.util.Set<Integer> sizes = new HashSet<>();
    Architecture a = SPACE.sample(rng);
    // a random walk: 200 steps missed one size in about 1 of 400 seeds; 1,000 steps make it negligible
    for (int i = 0; i < 1000 && sizes.size() < 3; i++) {
      sizes.add(SPACE.blocks(a));
      a = SPACE.mutate(a, rng);
    }
    assertThat(sizes).containsExactlyInAnyOrder(1, 2, 3);
  }
}
