package dev.jnas.diagram;

import dev.jnas.space.ArchitectureGraph;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.math.KVector;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.options.SizeConstraint;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Positions of a graph's nodes, groups, edges and edge labels, in absolute coordinates with the
 * origin at the top left: ELK's layered algorithm (Sugiyama-style: layers along the direction of
 * the edges, crossings minimised, orthogonal edge routes) computes them from the sizes {@link
 * Measure} gives.
 */
final class Layout {
  /** A box: top-left corner and size. */
  record Box(double x, double y, double width, double height) {}

  /** A laid-out edge: its route's points (first at the source, last at the target) and its label's box, or null. */
  record Route(List<double[]> points, Box label) {}

  final Map<String, Box> nodes = new LinkedHashMap<>();
  final Map<String, Box> groups = new LinkedHashMap<>();
  final List<Route> routes = new ArrayList<>();
  double width;
  double height;

  static final double MARGIN = 12;
  static final double GROUP_TITLE = 24;

  private Layout() {}

  /** Lays {@code g} out with ELK; throws whatever ELK throws. */
  static Layout elk(ArchitectureGraph g) {
    ElkNode root = ElkGraphUtil.createGraph();
    root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
    root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
    root.setProperty(CoreOptions.PADDING, new ElkPadding(MARGIN));
    root.setProperty(CoreOptions.RANDOM_SEED, 1);
    spacing(root);

    Map<String, ElkNode> groupNodes = new HashMap<>();
    for (ArchitectureGraph.Group grp : g.groups()) {
      ElkNode n = ElkGraphUtil.createNode(root);
      n.setIdentifier("group:" + grp.id());
      n.setProperty(CoreOptions.PADDING, new ElkPadding(GROUP_TITLE + 6, 12, 12, 12));
      spacing(n);
      // wide enough for its title even when its nodes are narrow
      n.setProperty(CoreOptions.NODE_SIZE_MINIMUM, new KVector(Measure.titleWidth(grp.label()) + 24, GROUP_TITLE + 20));
      n.setProperty(CoreOptions.NODE_SIZE_CONSTRAINTS, EnumSet.of(SizeConstraint.MINIMUM_SIZE));
      groupNodes.put(grp.id(), n);
    }
    Map<String, ElkNode> elkNodes = new HashMap<>();
    for (ArchitectureGraph.Node node : g.nodes()) {
      ElkNode parent = node.group() == null ? root : groupNodes.get(node.group());
      ElkNode n = ElkGraphUtil.createNode(parent);
      n.setIdentifier(node.id());
      double[] size = Measure.node(node);
      n.setDimensions(size[0], size[1]);
      elkNodes.put(node.id(), n);
    }
    List<ElkEdge> elkEdges = new ArrayList<>();
    for (ArchitectureGraph.Edge edge : g.edges()) {
      ElkEdge e = ElkGraphUtil.createSimpleEdge(elkNodes.get(edge.from()), elkNodes.get(edge.to()));
      if (edge.kind() == ArchitectureGraph.EdgeKind.DATA) {
        // the main path straight, skips and state around it
        e.setProperty(LayeredOptions.PRIORITY_STRAIGHTNESS, 10);
      }
      if (edge.label() != null && !edge.label().isEmpty()) {
        ElkLabel l = ElkGraphUtil.createLabel(edge.label(), e);
        double[] size = Measure.edgeLabel(edge.label());
        l.setDimensions(size[0], size[1]);
        l.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
        l.setProperty(CoreOptions.EDGE_LABELS_INLINE, true);
      }
      elkEdges.add(e);
    }

    new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

    Layout out = new Layout();
    out.width = root.getWidth();
    out.height = root.getHeight();
    for (ArchitectureGraph.Group grp : g.groups()) {
      ElkNode n = groupNodes.get(grp.id());
      double[] o = origin(n.getParent());
      out.groups.put(grp.id(), new Box(o[0] + n.getX(), o[1] + n.getY(), n.getWidth(), n.getHeight()));
    }
    for (ArchitectureGraph.Node node : g.nodes()) {
      ElkNode n = elkNodes.get(node.id());
      double[] o = origin(n.getParent());
      out.nodes.put(node.id(), new Box(o[0] + n.getX(), o[1] + n.getY(), n.getWidth(), n.getHeight()));
    }
    for (ElkEdge e : elkEdges) {
      // ELK gives an edge's route and labels relative to the node that contains the edge
      double[] o = origin(e.getContainingNode());
      List<double[]> points = new ArrayList<>();
      for (ElkEdgeSection s : e.getSections()) {
        add(points, o, s.getStartX(), s.getStartY());
        for (ElkBendPoint b : s.getBendPoints()) {
          add(points, o, b.getX(), b.getY());
        }
        add(points, o, s.getEndX(), s.getEndY());
      }
      Box label = null;
      if (!e.getLabels().isEmpty()) {
        ElkLabel l = e.getLabels().get(0);
        label = new Box(o[0] + l.getX(), o[1] + l.getY(), l.getWidth(), l.getHeight());
      }
      out.routes.add(new Route(points, label));
    }
    return out;
  }

  private static void spacing(ElkNode n) {
    n.setProperty(CoreOptions.SPACING_NODE_NODE, 18.0);
    n.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 26.0);
    n.setProperty(CoreOptions.SPACING_EDGE_NODE, 10.0);
    n.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 10.0);
    n.setProperty(CoreOptions.SPACING_EDGE_LABEL, 3.0);
    n.setProperty(CoreOptions.SPACING_COMPONENT_COMPONENT, 30.0);
  }

  private static void add(List<double[]> points, double[] origin, double x, double y) {
    double[] p = {origin[0] + x, origin[1] + y};
    if (!points.isEmpty()) {
      double[] last = points.get(points.size() - 1);
      if (Math.abs(last[0] - p[0]) < 1e-6 && Math.abs(last[1] - p[1]) < 1e-6) {
        return;
      }
    }
    points.add(p);
  }

  /** The absolute position of {@code n}'s top-left corner (the root's is the origin). */
  private static double[] origin(ElkNode n) {
    double x = 0;
    double y = 0;
    for (ElkNode c = n; c != null && c.getParent() != null; c = c.getParent()) {
      x += c.getX();
      y += c.getY();
    }
    return new double[] {x, y};
  }

  /**
   * A plain layout for when ELK fails: nodes stacked top to bottom, edges as straight lines
   * between box centres, groups ignored. Ugly but never wrong.
   */
  static Layout stacked(ArchitectureGraph g) {
    Layout out = new Layout();
    double y = MARGIN;
    double maxWidth = 0;
    for (ArchitectureGraph.Node node : g.nodes()) {
      double[] size = Measure.node(node);
      out.nodes.put(node.id(), new Box(MARGIN, y, size[0], size[1]));
      y += size[1] + 18;
      maxWidth = Math.max(maxWidth, size[0]);
    }
    for (ArchitectureGraph.Edge edge : g.edges()) {
      Box a = out.nodes.get(edge.from());
      Box b = out.nodes.get(edge.to());
      List<double[]> points = new ArrayList<>();
      boolean down = a.y() < b.y();
      points.add(new double[] {a.x() + a.width() / 2, down ? a.y() + a.height() : a.y()});
      points.add(new double[] {b.x() + b.width() / 2, down ? b.y() : b.y() + b.height()});
      out.routes.add(new Route(points, null));
    }
    out.width = maxWidth + 2 * MARGIN;
    out.height = y - 18 + MARGIN;
    return out;
  }
}
