package dev.jnas.space;

import java.util.List;

/**
 * One named choice of a search space. An architecture stores, for each decision, an index in
 * {@code [0, cardinality())}; {@link #label(int)} says what the index means.
 */
public sealed interface Decision
    permits Decision.Categorical, Decision.IntRange, Decision.InputChoice, Decision.Connection {

  String name();

  int cardinality();

  String label(int index);

  /** Index of a label, or -1 when the label is not one of this decision's. */
  default int indexOf(String label) {
    for (int i = 0; i < cardinality(); i++) {
      if (label(i).equals(label)) {
        return i;
      }
    }
    return -1;
  }

  /** Pick one of a list of named options (an op, a filter count...). */
  record Categorical(String name, List<String> options) implements Decision {
    public Categorical {
      options = List.copyOf(options);
      if (options.isEmpty()) {
        throw new IllegalArgumentException("decision " + name + " has no options");
      }
    }

    @Override
    public int cardinality() {
      return options.size();
    }

    @Override
    public String label(int index) {
      return options.get(index);
    }
  }

  /** An integer in [min, max]; the stored index is {@code value - min}. */
  record IntRange(String name, int min, int max) implements Decision {
    public IntRange {
      if (max < min) {
        throw new IllegalArgumentException("decision " + name + ": max < min");
      }
    }

    @Override
    public int cardinality() {
      return max - min + 1;
    }

    @Override
    public String label(int index) {
      return Integer.toString(min + index);
    }
  }

  /**
   * "Which earlier node is my input": one of {@code candidates} (node ids) feeds node {@code
   * node}. The RL controller scores these with anchor-point attention.
   */
  record InputChoice(String name, int node, List<Integer> candidates) implements Decision {
    public InputChoice {
      candidates = List.copyOf(candidates);
      if (candidates.isEmpty()) {
        throw new IllegalArgumentException("decision " + name + " has no candidate inputs");
      }
    }

    @Override
    public int cardinality() {
      return candidates.size();
    }

    @Override
    public String label(int index) {
      return Integer.toString(candidates.get(index));
    }
  }

  /**
   * Whether layer {@code from} feeds layer {@code to} (a skip connection): index 1 = connected.
   * The RL controller samples it from a sigmoid over anchor-point attention.
   */
  record Connection(String name, int from, int to) implements Decision {
    @Override
    public int cardinality() {
      return 2;
    }

    @Override
    public String label(int index) {
      return index == 1 ? "1" : "0";
    }
  }
}
