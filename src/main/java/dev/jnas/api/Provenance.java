package dev.jnas.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.Json;

/** Versions and machine facts recorded with every experiment (reproducibility). */
final class Provenance {
  private Provenance() {}

  static ObjectNode json(long seed) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("jnas", String.valueOf(Provenance.class.getPackage().getImplementationVersion()));
    o.put("java", System.getProperty("java.version"));
    o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    o.put("cores", Runtime.getRuntime().availableProcessors());
    o.put("djl", pkgVersion("ai.djl.engine.Engine"));
    o.put("pytorch", "2.7.1");
    o.put("seed", seed);
    return o;
  }

  private static String pkgVersion(String cls) {
    try {
      Package p = Class.forName(cls, false, Provenance.class.getClassLoader()).getPackage();
      return String.valueOf(p.getImplementationVersion());
    } catch (ClassNotFoundException e) {
      return "absent";
    }
  }
}
