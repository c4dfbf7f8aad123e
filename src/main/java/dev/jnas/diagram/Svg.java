package dev.jnas.diagram;

import dev.jnas.space.ArchitectureGraph;
import java.util.List;
import java.util.Locale;

/**
 * Writes a laid-out graph as a self-contained SVG document: groups, then edges, then nodes, each
 * a {@code <g>} whose CSS classes say what it is ({@code node op}, {@code edge skip}, {@code
 * group}), so a page can restyle them; an embedded style sheet scoped to {@code .jnas-diagram}
 * gives the defaults. No scripts, no external references.
 */
final class Svg {
  private static final String STYLE =
      ".jnas-diagram text{font-family:Helvetica,Arial,sans-serif;font-size:12px;fill:#212121}"
          + ".jnas-diagram .node rect,.jnas-diagram .node ellipse{fill:#ffffff;stroke:#546e7a;stroke-width:1.2}"
          + ".jnas-diagram .node.input ellipse{fill:#e3f2fd}"
          + ".jnas-diagram .node.output ellipse{fill:#e8f5e9}"
          + ".jnas-diagram .node.state ellipse{fill:#fffde7}"
          + ".jnas-diagram .node.op rect{fill:#fff3e0;stroke:#ef6c00}"
          + ".jnas-diagram .node.combine rect{fill:#f3e5f5;stroke:#8e24aa}"
          + ".jnas-diagram .node.fixed rect{fill:#eceff1}"
          + ".jnas-diagram .node.decision rect{fill:#fafafa}"
          + ".jnas-diagram .edge path{fill:none;stroke:#607d8b;stroke-width:1.3}"
          + ".jnas-diagram .edge.skip path{stroke-dasharray:5 3;stroke:#1e88e5}"
          + ".jnas-diagram .edge.state path{stroke:#2e7d32;stroke-dasharray:2 2}"
          + ".jnas-diagram .edge.sequence path{stroke:#b0bec5}"
          + ".jnas-diagram .edge text{font-size:11px;fill:#37474f;paint-order:stroke;stroke:#ffffff;stroke-width:3px}"
          + ".jnas-diagram .group rect{fill:#fafafa;stroke:#90a4ae;stroke-dasharray:4 3}"
          + ".jnas-diagram .group-title{font-weight:bold;fill:#455a64;paint-order:stroke;stroke:#fafafa;stroke-width:4px}"
          + ".jnas-diagram .arrow{fill:#607d8b}";

  private Svg() {}

  /** Whether nodes of {@code kind} are drawn as ellipses (tensors) rather than boxes (operations). */
  static boolean ellipse(ArchitectureGraph.NodeKind kind) {
    return kind == ArchitectureGraph.NodeKind.INPUT
        || kind == ArchitectureGraph.NodeKind.OUTPUT
        || kind == ArchitectureGraph.NodeKind.STATE;
  }

  static String write(ArchitectureGraph g, Layout layout, String title) {
    StringBuilder sb = new StringBuilder(4096);
    String w = num(Math.ceil(layout.width));
    String h = num(Math.ceil(layout.height));
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"jnas-diagram\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
        .append("\" role=\"img\">\n");
    if (title != null) {
      sb.append("<title>").append(escape(title)).append("</title>\n");
    }
    sb.append("<style>").append(STYLE).append("</style>\n");
    sb.append("<defs><marker id=\"jnas-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\""
        + " markerHeight=\"7\" orient=\"auto\"><path class=\"arrow\" d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n");

    for (ArchitectureGraph.Group grp : g.groups()) {
      Layout.Box b = layout.groups.get(grp.id());
      if (b != null) { // null in a layout without groups (the stacked fallback)
        sb.append("<g class=\"group\" data-id=\"").append(escape(grp.id())).append("\">");
        rect(sb, b, 6);
        sb.append("</g>\n");
      }
    }

    for (int i = 0; i < g.edges().size(); i++) {
      ArchitectureGraph.Edge e = g.edges().get(i);
      Layout.Route r = layout.routes.get(i);
      sb.append("<g class=\"edge ").append(e.kind().cssClass()).append("\" data-from=\"").append(escape(e.from()))
          .append("\" data-to=\"").append(escape(e.to())).append("\">");
      sb.append("<path d=\"").append(path(clipped(r.points(), g, e, layout))).append("\" marker-end=\"url(#jnas-arrow)\"/>");
      if (e.label() != null && !e.label().isEmpty()) {
        double cx;
        double cy;
        if (r.label() != null) {
          cx = r.label().x() + r.label().width() / 2;
          cy = r.label().y() + r.label().height() / 2;
        } else {
          double[] m = middle(r.points());
          cx = m[0];
          cy = m[1];
        }
        text(sb, e.label(), cx, cy, Measure.EDGE_LINE);
      }
      sb.append("</g>\n");
    }

    // group titles over the edges that enter their groups, which their halo interrupts
    for (ArchitectureGraph.Group grp : g.groups()) {
      Layout.Box b = layout.groups.get(grp.id());
      if (b != null) {
        sb.append("<text class=\"group-title\" x=\"").append(num(b.x() + 10)).append("\" y=\"").append(num(b.y() + 17))
            .append("\">").append(escape(grp.label())).append("</text>\n");
      }
    }

    for (ArchitectureGraph.Node n : g.nodes()) {
      Layout.Box b = layout.nodes.get(n.id());
      sb.append("<g class=\"node ").append(n.kind().cssClass()).append("\" data-id=\"").append(escape(n.id())).append("\">");
      if (ellipse(n.kind())) {
        sb.append("<ellipse cx=\"").append(num(b.x() + b.width() / 2)).append("\" cy=\"").append(num(b.y() + b.height() / 2))
            .append("\" rx=\"").append(num(b.width() / 2)).append("\" ry=\"").append(num(b.height() / 2)).append("\"/>");
      } else {
        rect(sb, b, n.kind() == ArchitectureGraph.NodeKind.COMBINE ? 10 : 3);
      }
      text(sb, n.label(), b.x() + b.width() / 2, b.y() + b.height() / 2, Measure.LINE);
      sb.append("</g>\n");
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void rect(StringBuilder sb, Layout.Box b, double radius) {
    sb.append("<rect x=\"").append(num(b.x())).append("\" y=\"").append(num(b.y())).append("\" width=\"")
        .append(num(b.width())).append("\" height=\"").append(num(b.height())).append("\" rx=\"").append(num(radius))
        .append("\"/>");
  }

  /** Centred text, one {@code tspan} per line when the label has several. */
  private static void text(StringBuilder sb, String label, double cx, double cy, double lineHeight) {
    String[] lines = Measure.lines(label);
    double first = cy - (lines.length - 1) * lineHeight / 2;
    sb.append("<text text-anchor=\"middle\" dominant-baseline=\"central\" x=\"").append(num(cx)).append("\" y=\"")
        .append(num(first)).append("\">");
    if (lines.length == 1) {
      sb.append(escape(lines[0]));
    } else {
      for (int i = 0; i < lines.length; i++) {
        sb.append("<tspan x=\"").append(num(cx)).append("\" y=\"").append(num(first + i * lineHeight)).append("\">")
            .append(escape(lines[i])).append("</tspan>");
      }
    }
    sb.append("</text>");
  }

  private static String path(List<double[]> points) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      sb.append(i == 0 ? "M" : " L").append(num(points.get(i)[0])).append(',').append(num(points.get(i)[1]));
    }
    return sb.toString();
  }

  /**
   * The route with its ends moved from the box of an ellipse node onto the ellipse, where a
   * vertical or horizontal end segment meets it (ELK routes to the box).
   */
  private static List<double[]> clipped(List<double[]> points, ArchitectureGraph g, ArchitectureGraph.Edge e, Layout layout) {
    if (points.size() < 2) {
      return points;
    }
    List<double[]> out = new java.util.ArrayList<>();
    points.forEach(p -> out.add(p.clone()));
    clip(out.get(0), out.get(1), g.node(e.from()), layout.nodes.get(e.from()));
    clip(out.get(out.size() - 1), out.get(out.size() - 2), g.node(e.to()), layout.nodes.get(e.to()));
    return out;
  }

  /** Moves {@code end}, on the box {@code b}, along the segment towards {@code next} onto the ellipse in {@code b}. */
  private static void clip(double[] end, double[] next, ArchitectureGraph.Node n, Layout.Box b) {
    if (!ellipse(n.kind()) || b == null) {
      return;
    }
    double rx = b.width() / 2;
    double ry = b.height() / 2;
    double cx = b.x() + rx;
    double cy = b.y() + ry;
    if (Math.abs(end[0] - next[0]) < 1e-6) { // vertical: move y
      double dx = (end[0] - cx) / rx;
      if (Math.abs(dx) < 1) {
        double dy = ry * Math.sqrt(1 - dx * dx);
        end[1] = next[1] < cy ? cy - dy : cy + dy;
      }
    } else if (Math.abs(end[1] - next[1]) < 1e-6) { // horizontal: move x
      double dy = (end[1] - cy) / ry;
      if (Math.abs(dy) < 1) {
        double dx = rx * Math.sqrt(1 - dy * dy);
        end[0] = next[0] < cx ? cx - dx : cx + dx;
      }
    }
  }

  /** The point half-way along a polyline. */
  private static double[] middle(List<double[]> points) {
    if (points.isEmpty()) {
      return new double[] {0, 0};
    }
    double total = 0;
    for (int i = 1; i < points.size(); i++) {
      total += Math.hypot(points.get(i)[0] - points.get(i - 1)[0], points.get(i)[1] - points.get(i - 1)[1]);
    }
    double left = total / 2;
    for (int i = 1; i < points.size(); i++) {
      double[] a = points.get(i - 1);
      double[] b = points.get(i);
      double d = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (d >= left && d > 0) {
        return new double[] {a[0] + (b[0] - a[0]) * left / d, a[1] + (b[1] - a[1]) * left / d};
      }
      left -= d;
    }
    return points.get(0);
  }

  /** A coordinate with at most one decimal, in the same form on every machine. */
  static String num(double v) {
    long tenths = Math.round(v * 10);
    if (tenths % 10 == 0) {
      return Long.toString(tenths / 10);
    }
    return String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }

  /**
   * Text for XML content and attribute values: markup characters as entities, and characters
   * XML 1.0 does not allow (most control characters, lone surrogates) left out.
   */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD)) {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
