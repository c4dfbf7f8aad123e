package dev.jnas.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jnas.model.GraphNetwork;
import dev.jnas.space.GraphSpace;
import dev.jnas.space.LayerGraph;
import dev.jnas.util.Pareto;
import dev.jnas.util.Rng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The strategies' choices, on made-up results (no training). */
class GrowthTest {
  static final LayerGraph.Shape INPUT = new LayerGraph.Shape(1, 28, 28);
  static final LayerGraph START = LayerGraph.parse(GraphSpace.DEFAULT_START);
  static final Growth.Context CONTEXT = new Growth.Context(START, INPUT, 10);

  record P(double x, double y) {}

  @Property
  void theFrontIsExactlyThePointsNoOtherBeatsInBoth(
      @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 5) Double> xs,
      @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 5) Double> ys) {
    int n = Math.min(xs.size(), ys.size());
    List<P> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // rounded, so ties happen
      points.add(new P(Math.rint(xs.get(i)), Math.rint(ys.get(i))));
    }
    List<P> front = Pareto.front(points, P::x, P::y);
    for (P p : points) {
      boolean dominated = points.stream().anyMatch(q -> q.x() <= p.x() && q.y() <= p.y() && (q.x() < p.x() || q.y() < p.y()));
      if (dominated) {
        assertThat(front).doesNotContain(p);
      } else {
        assertThat(front).contains(p);
      }
    }
    assertThat(front).doesNotHaveDuplicates();
  }

  @Test
  void theDensityIsADensityThatPeaksAtItsSamples() {
    DoubleUnaryOperator d = Pareto.density(new double[] {4.0, 4.1, 4.2, 6.0}, 0.1);
    double integral = 0;
    for (double v = -2; v < 12; v += 0.001) {
      integral += d.applyAsDouble(v) * 0.001;
    }
    assertThat(integral).isCloseTo(1.0, within(1e-3));
    assertThat(d.applyAsDouble(4.1)).isGreaterThan(d.applyAsDouble(6.0)).isGreaterThan(d.applyAsDouble(5.1));
    assertThat(Pareto.density(new double[] {3}, 0.1).applyAsDouble(3)).isCloseTo(1 / (0.1 * Math.sqrt(2 * Math.PI)), within(1e-9));
  }

  private static Growth.Node node(long id, int round, LayerGraph g, double acc) {
    return new Growth.Node(id, round, g, id == 0 ? null : 0L, acc, GraphNetwork.parameterCount(g, INPUT, 10), GraphNetwork.flops(g, INPUT, 10));
  }

  @Test
  void hillClimbingStartsOnceThenGrowsTheBestOfTheLastStepOnly() {
    HillClimbing hc = new HillClimbing(new HillClimbing.Params(2, 4, 3, true, false));
    assertThat(hc.propose(0, List.of(), CONTEXT, Rng.of(1))).containsExactly(new Growth.Proposal(null, List.of()));
    LayerGraph wide = START.withFilters("c3", 96);
    // trial 1 is the best overall but of round 0; round 1's best is trial 3
    List<Growth.Node> trained = List.of(node(0, 0, START, 0.9), node(2, 1, wide, 0.5), node(3, 1, START, 0.7), node(4, 1, wide, 0.6));
    List<Growth.Proposal> step = hc.propose(2, trained, CONTEXT, Rng.of(2));
    assertThat(step).hasSize(4).allSatisfy(p -> assertThat(p.parent()).isEqualTo(3L));
    assertThat(step.get(0).morphisms()).isEmpty();
    for (Growth.Proposal p : step.subList(1, 4)) {
      assertThat(p.morphisms()).hasSize(3).allSatisfy(m -> assertThat(m.exact()).isTrue());
    }
    assertThat(hc.propose(3, trained, CONTEXT, Rng.of(3))).isEmpty(); // after 2 steps
    assertThat(hc.propose(2, trained.subList(0, 1), CONTEXT, Rng.of(3))).as("the last step failed entirely").isEmpty();
    assertThat(hc.propose(2, trained, CONTEXT, Rng.of(9))).isEqualTo(hc.propose(2, trained, CONTEXT, Rng.of(9)));
  }

  @Test
  void lemonadePicksParentsOnTheFrontFavouringSparseRegions() {
    // four small networks close together on the front, one large one far away, and one dominated
    List<Growth.Node> trained = new ArrayList<>();
    trained.add(node(0, 0, START.withFilters("c3", 8), 0.70));
    trained.add(node(1, 1, START.withFilters("c3", 9), 0.71));
    trained.add(node(2, 1, START.withFilters("c3", 10), 0.72));
    trained.add(node(3, 1, START.withFilters("c3", 11), 0.73));
    trained.add(node(4, 1, START.withFilters("c1", 64).withFilters("c2", 128).withFilters("c3", 256), 0.90));
    trained.add(node(5, 1, START.withFilters("c3", 200), 0.60));
    Lemonade l = new Lemonade(new Lemonade.Params(8, 2, 1, true, Lemonade.Objective.PARAMS, 0));
    assertThat(l.front(trained, CONTEXT)).extracting(Growth.Node::trial).containsExactly(0L, 1L, 2L, 3L, 4L);
    Map<Long, Integer> parents = new HashMap<>();
    for (int r = 0; r < 300; r++) {
      List<Growth.Proposal> ps = l.propose(2, trained, CONTEXT, Rng.of(r));
      assertThat(ps).hasSizeLessThanOrEqualTo(2);
      for (Growth.Proposal p : ps) {
        parents.merge(p.parent(), 1, Integer::sum);
        assertThat(p.morphisms()).hasSize(1);
        LayerGraph child = Growth.apply(trained.get(p.parent().intValue()).graph(), p.morphisms(), INPUT);
        assertThat(trained).noneSatisfy(n -> assertThat(n.graph()).isEqualTo(child));
      }
    }
    assertThat(parents).doesNotContainKey(5L);
    // the lone large network is as likely a parent as the four small ones together
    int small = parents.getOrDefault(0L, 0) + parents.getOrDefault(1L, 0) + parents.getOrDefault(2L, 0) + parents.getOrDefault(3L, 0);
    assertThat(parents.get(4L)).isGreaterThan(small / 2);
    assertThat(parents.get(4L)).isGreaterThan(2 * parents.getOrDefault(1L, 0));
    assertThat(new Lemonade(new Lemonade.Params(8, 2, 1, true, Lemonade.Objective.PARAMS, 1)).propose(2, trained, CONTEXT, Rng.of(0)))
        .as("after its generations").isEmpty();
  }

  /** A drawn child that exists already is drawn again, so a generation does not end the search early. */
  @Test
  void lemonadeDrawsAgainInsteadOfProposingDuplicates() {
    // one 1x1 filter: only deepening and widening apply, two children in all
    LayerGraph tiny = LayerGraph.parse("c1=conv1x1(1)<input");
    List<Growth.Node> trained = List.of(node(0, 0, tiny, 0.5));
    Lemonade l = new Lemonade(new Lemonade.Params(2, 2, 1, true, Lemonade.Objective.PARAMS, 0));
    for (int seed = 0; seed < 50; seed++) {
      List<Growth.Proposal> ps = l.propose(1, trained, CONTEXT, Rng.of(seed));
      assertThat(ps).as("seed %d", seed).hasSize(2);
      assertThat(ps.get(0).morphisms()).isNotEqualTo(ps.get(1).morphisms());
    }
  }

  @Test
  void weightedDrawsFollowTheirWeights() {
    int[] counts = new int[3];
    Rng rng = Rng.of(4);
    for (int i = 0; i < 30_000; i++) {
      counts[Lemonade.draw(new double[] {1, 0, 3}, rng)]++;
    }
    assertThat(counts[1]).isZero();
    assertThat(counts[2] / (double) counts[0]).isCloseTo(3.0, within(0.15));
  }
}
