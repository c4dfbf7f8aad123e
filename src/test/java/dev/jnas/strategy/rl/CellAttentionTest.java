package dev.jnas.strategy.rl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.space.CellSpace;
import dev.jnas.strategy.rl.DecisionPlan.Kind;
import dev.jnas.strategy.rl.DecisionPlan.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** In the {@code cell} space, the controller's input attention of each cell reads that cell's own nodes. */
class CellAttentionTest {
  private static final int BLOCKS = 3;
  private static final int STEPS_PER_CELL = BLOCKS * 4;

  private static int anchorStepOf(List<Step> steps, int slot) {
    for (int t = 0; t < steps.size(); t++) {
      if (steps.get(t).anchorSlot() == slot) {
        return t;
      }
    }
    return -1;
  }

  @Test
  void eachCellAttendsToItsOwnAnchors() {
    DecisionPlan plan = new DecisionPlan(new CellSpace(BLOCKS, CellSpace.ENAS_OPS, 1, 8, 1).decisions());
    List<Step> steps = plan.steps();
    List<Set<Integer>> learnedRows = List.of(new HashSet<>(), new HashSet<>());
    int anchoredReads = 0;
    for (int t = 0; t < steps.size(); t++) {
      Step step = steps.get(t);
      if (step.kind() != Kind.INPUT_CHOICE) {
        continue;
      }
      int cell = t / STEPS_PER_CELL;
      for (int slot : step.sources()) {
        if (plan.anchoredBefore(slot, t)) {
          assertThat(anchorStepOf(steps, slot) / STEPS_PER_CELL).as("cell of the anchor read at step %d", t).isEqualTo(cell);
          anchoredReads++;
        } else {
          learnedRows.get(cell).add(plan.learnedRow(slot));
        }
      }
    }
    // Blocks 1 and 2 read the nodes of earlier blocks: 2 inputs x (1 + 2) per cell.
    assertThat(anchoredReads).isEqualTo(2 * 2 * 3);
    // The cell inputs (h[-2], h[-1]) are learned vectors of their own per cell.
    assertThat(learnedRows.get(0)).hasSize(2).doesNotContainAnyElementsOf(learnedRows.get(1));
    assertThat(learnedRows.get(1)).hasSize(2);
    // reduce_b1_in1 (step 16) reads reduce block 0's node, anchored at reduce_b0_in1 (step 12).
    int reduceBlock0 = steps.get(16).sources()[2];
    assertThat(anchorStepOf(steps, reduceBlock0)).isEqualTo(12);
    assertThat(steps.get(4).sources()[2]).isNotEqualTo(reduceBlock0);
  }
}
