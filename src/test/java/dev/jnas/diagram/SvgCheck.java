package dev.jnas.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** A diagram parsed as XML, with what the tests check: its nodes' boxes and its edges. */
final class SvgCheck {
  record Box(String id, double x, double y, double w, double h) {
    boolean overlaps(Box o) {
      return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
    }
  }

  final Document doc;
  final Element root;
  final List<Box> nodes = new ArrayList<>();
  final List<Element> edges = new ArrayList<>();
  final List<Element> groups = new ArrayList<>();

  /** Parses {@code svg} (no DTDs, no external entities) and collects its nodes and edges. */
  SvgCheck(String svg) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      doc = b.parse(new InputSource(new StringReader(svg)));
    } catch (Exception e) {
      throw new AssertionError("diagram is not well-formed XML: " + e.getMessage() + "\n" + svg, e);
    }
    root = doc.getDocumentElement();
    NodeList gs = doc.getElementsByTagNameNS("*", "g");
    for (int i = 0; i < gs.getLength(); i++) {
      Element g = (Element) gs.item(i);
      List<String> classes = Arrays.asList(g.getAttribute("class").split(" "));
      if (classes.contains("node")) {
        nodes.add(box(g));
      } else if (classes.contains("edge")) {
        edges.add(g);
      } else if (classes.contains("group")) {
        groups.add(g);
      }
    }
  }

  private static Box box(Element g) {
    String id = g.getAttribute("data-id");
    NodeList rects = g.getElementsByTagNameNS("*", "rect");
    if (rects.getLength() == 1) {
      Element r = (Element) rects.item(0);
      return new Box(id, d(r, "x"), d(r, "y"), d(r, "width"), d(r, "height"));
    }
    NodeList ellipses = g.getElementsByTagNameNS("*", "ellipse");
    assertThat(ellipses.getLength()).as("node %s has one rect or ellipse", id).isEqualTo(1);
    Element e = (Element) ellipses.item(0);
    double rx = d(e, "rx");
    double ry = d(e, "ry");
    return new Box(id, d(e, "cx") - rx, d(e, "cy") - ry, 2 * rx, 2 * ry);
  }

  private static double d(Element e, String attribute) {
    return Double.parseDouble(e.getAttribute(attribute));
  }

  /** Checks the root's size, that no nodes overlap, that they lie in the drawing, and that there is no script. */
  SvgCheck wellFormedDrawing() {
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    double width = Double.parseDouble(root.getAttribute("width"));
    double height = Double.parseDouble(root.getAttribute("height"));
    assertThat(width).isPositive();
    assertThat(height).isPositive();
    assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 " + root.getAttribute("width") + " " + root.getAttribute("height"));
    assertThat(doc.getElementsByTagNameNS("*", "script").getLength()).isZero();
    assertThat(doc.getElementsByTagNameNS("*", "foreignObject").getLength()).isZero();
    for (int i = 0; i < nodes.size(); i++) {
      Box a = nodes.get(i);
      assertThat(a.x()).as("node %s inside the drawing", a.id()).isGreaterThanOrEqualTo(0);
      assertThat(a.y()).as("node %s inside the drawing", a.id()).isGreaterThanOrEqualTo(0);
      assertThat(a.x() + a.w()).as("node %s inside the drawing", a.id()).isLessThanOrEqualTo(width);
      assertThat(a.y() + a.h()).as("node %s inside the drawing", a.id()).isLessThanOrEqualTo(height);
      for (int j = i + 1; j < nodes.size(); j++) {
        Box b = nodes.get(j);
        assertThat(a.overlaps(b)).as("nodes %s and %s overlap: %s, %s", a.id(), b.id(), a, b).isFalse();
      }
    }
    return this;
  }
}
