package dev.jnas.diagram;

import dev.jnas.space.ArchitectureGraph;

/**
 * Sizes of nodes and labels from their text, without fonts: an average character width of the
 * diagram's sans-serif font, generous enough that labels fit in common browsers. Deterministic,
 * so the same graph always gets the same layout.
 */
final class Measure {
  static final double LINE = 15;
  /** An edge label's line height (its text is smaller than a node's). */
  static final double EDGE_LINE = 13;
  private static final double CHAR = 7.0;
  private static final double EDGE_CHAR = 6.4;

  private Measure() {}

  /** The lines of a label. */
  static String[] lines(String label) {
    return label.split("\n", -1);
  }

  static double textWidth(String label, double charWidth) {
    int longest = 0;
    for (String line : lines(label)) {
      longest = Math.max(longest, line.codePointCount(0, line.length()));
    }
    return longest * charWidth;
  }

  /** Width and height of a node's shape: a box around its text, an ellipse around that box. */
  static double[] node(ArchitectureGraph.Node node) {
    int lines = lines(node.label()).length;
    double text = textWidth(node.label(), CHAR);
    double h = lines * LINE + 11;
    if (Svg.ellipse(node.kind())) {
      return new double[] {Math.max(48, text * 1.2 + 24), h + 8};
    }
    return new double[] {Math.max(40, text + 20), h};
  }

  static double[] edgeLabel(String label) {
    return new double[] {textWidth(label, EDGE_CHAR) + 4, lines(label).length * EDGE_LINE + 2};
  }

  static double titleWidth(String label) {
    return textWidth(label, CHAR + 0.6);
  }
}
