package dev.jnas.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.space.SearchSpace;

/**
 * The search space a training evaluator's architectures come from, with the parameters it was
 * created from ({@code SearchSpaces.create(space.name(), params)} rebuilds it). The final model's
 * {@code model.json} records both, so {@link SavedModel#load} can rebuild the network from the
 * saved folder alone.
 *
 * @param params the space's config parameters; null or empty for its defaults
 */
public record SpaceSpec(SearchSpace space, JsonNode params) {}
