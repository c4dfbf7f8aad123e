package dev.jnas.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.ComponentRef;
import dev.jnas.util.Json;

/**
 * The search space a training evaluator's architectures come from and the network they are built
 * into, as the config described them; the final model's {@code model.json} records both, so
 * {@link SavedModel#load} rebuilds the network from the saved folder alone ({@code
 * SearchSpaces.fromConfig(space)}, {@code ModelBuilders.fromConfig(model, space)}).
 *
 * @param section the config's space section: a name, or {name|class: ..., params: {...}}
 * @param model the config's model section; null: the space's own network
 */
public record SpaceSpec(SearchSpace space, JsonNode section, JsonNode model) {

  /** The space section in its long form, {@code {name|class: ..., params: {...}}}. */
  public ObjectNode spaceJson() {
    ComponentRef r = ComponentRef.of(section, "space");
    ObjectNode o = Json.MAPPER.createObjectNode();
    if (r.name() != null) {
      o.put("name", r.name());
    } else {
      o.put("class", r.className());
    }
    o.set("params", r.params().deepCopy());
    return o;
  }
}
