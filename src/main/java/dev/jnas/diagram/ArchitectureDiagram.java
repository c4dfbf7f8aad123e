package dev.jnas.diagram;

import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;

/** TEMPORARY stand-in until the diagram branch lands. */
public final class ArchitectureDiagram {
  private ArchitectureDiagram() {}

  public static String svg(SearchSpace space, Architecture arch) {
    String t = space.encode(arch).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"40\" viewBox=\"0 0 400 40\"><g class=\"node\"><rect width=\"400\" height=\"40\" fill=\"#eee\"/><text x=\"5\" y=\"25\">" + t + "</text></g></svg>";
  }
}
