package dev.jnas.strategy.rl;

import dev.jnas.space.Decision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the controller emits each decision of a space: which output (a softmax head or anchor
 * attention) scores it, where its choices' embeddings sit in the embedding table, and which anchor
 * hidden states its attention compares. Computed once per space.
 */
final class DecisionPlan {

  enum Kind {
    /** Categorical or IntRange: softmax over a Linear head of the LSTM output. */
    HEAD,
    /** Connection: Bernoulli with P(1) = sigmoid(attention score). */
    CONNECTION,
    /** InputChoice: softmax over the candidates' attention scores. */
    INPUT_CHOICE
  }

  /**
   * One controller step.
   *
   * @param headOffset first output unit of this decision's softmax head (HEAD steps), else -1
   * @param embeddingOffset row of this decision's first choice in the embedding table (row 0 is the
   *     start token)
   * @param anchorSlot node slot whose anchor is this step (first attention step for that node), or
   *     -1
   * @param sources node slots compared by attention: the Connection's {@code from}, or the
   *     InputChoice's candidates in order
   */
  record Step(Kind kind, int cardinality, int headOffset, int embeddingOffset, int anchorSlot, int[] sources) {}

  private final List<Step> steps;
  private final int headUnits;
  private final int embeddingRows;
  private final int nodeSlots;
  /** Per node slot: the step that anchors it, or -1. */
  private final int[] anchorStep;
  /** Per node slot: row in the learned anchor table, or -1 when every use sees an anchor step. */
  private final int[] learnedRow;
  private final int learnedRows;

  DecisionPlan(List<Decision> decisions) {
    // Node ids may be any ints (inputs are often negative); give each a dense slot.
    Map<Integer, Integer> slots = new LinkedHashMap<>();
    for (Decision d : decisions) {
      if (d instanceof Decision.Connection c) {
        slots.putIfAbsent(c.from(), slots.size());
        slots.putIfAbsent(c.to(), slots.size());
      } else if (d instanceof Decision.InputChoice in) {
        slots.putIfAbsent(in.node(), slots.size());
        for (int cand : in.candidates()) {
          slots.putIfAbsent(cand, slots.size());
        }
      }
    }
    nodeSlots = slots.size();
    anchorStep = new int[nodeSlots];
    Arrays.fill(anchorStep, -1);
    for (int t = 0; t < decisions.size(); t++) {
      int target = targetNode(decisions.get(t));
      if (target != Integer.MIN_VALUE) {
        int slot = slots.get(target);
        if (anchorStep[slot] < 0) {
          anchorStep[slot] = t;
        }
      }
    }
    // A source node without an earlier anchor (network input, cell inputs, a node anchored later)
    // is represented by a learned vector instead.
    learnedRow = new int[nodeSlots];
    Arrays.fill(learnedRow, -1);
    int rows = 0;
    List<Step> out = new ArrayList<>();
    int units = 0;
    int offset = 1;
    for (int t = 0; t < decisions.size(); t++) {
      Decision d = decisions.get(t);
      int anchorSlot = -1;
      int target = targetNode(d);
      if (target != Integer.MIN_VALUE && anchorStep[slots.get(target)] == t) {
        anchorSlot = slots.get(target);
      }
      int[] sources = new int[0];
      Kind kind;
      int head = -1;
      if (d instanceof Decision.Connection c) {
        kind = Kind.CONNECTION;
        sources = new int[] {slots.get(c.from())};
      } else if (d instanceof Decision.InputChoice in) {
        kind = Kind.INPUT_CHOICE;
        sources = in.candidates().stream().mapToInt(slots::get).toArray();
      } else {
        kind = Kind.HEAD;
        head = units;
        units += d.cardinality();
      }
      for (int s : sources) {
        boolean anchored = anchorStep[s] >= 0 && anchorStep[s] < t;
        if (!anchored && learnedRow[s] < 0) {
          learnedRow[s] = rows++;
        }
      }
      out.add(new Step(kind, d.cardinality(), head, offset, anchorSlot, sources));
      offset += d.cardinality();
    }
    steps = List.copyOf(out);
    headUnits = units;
    embeddingRows = offset;
    learnedRows = rows;
  }

  private static int targetNode(Decision d) {
    if (d instanceof Decision.Connection c) {
      return c.to();
    }
    if (d instanceof Decision.InputChoice in) {
      return in.node();
    }
    return Integer.MIN_VALUE;
  }

  List<Step> steps() {
    return steps;
  }

  /** Output units of all softmax heads together: each HEAD step owns a block of them. */
  int headUnits() {
    return headUnits;
  }

  /** Rows of the embedding table: the start token plus one per choice of every decision. */
  int embeddingRows() {
    return embeddingRows;
  }

  int nodeSlots() {
    return nodeSlots;
  }

  boolean usesAttention() {
    return steps.stream().anyMatch(s -> s.kind() != Kind.HEAD);
  }

  /** The step whose LSTM output anchors {@code slot}, when that step comes before {@code step}. */
  boolean anchoredBefore(int slot, int step) {
    return anchorStep[slot] >= 0 && anchorStep[slot] < step;
  }

  int learnedRow(int slot) {
    return learnedRow[slot];
  }

  int learnedRows() {
    return learnedRows;
  }
}
