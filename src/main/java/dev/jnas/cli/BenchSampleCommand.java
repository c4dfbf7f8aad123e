package dev.jnas.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jnas bench sample}: random architectures of a space, one architecture file per line, for
 * {@code bench/compare.sh --random}.
 */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description =
        "Draw random architectures of a search space with the space's own sampling (what random search"
            + " draws) and print one JSON object per line, {\"space\", \"params\", \"string\"}: the form of"
            + " bench/archs/*.json, which `jnas bench train` and bench/peer_pytorch.py read. The same seed"
            + " prints the same lines; draws are independent, so a small space may repeat one.")
final class BenchSampleCommand implements Callable<Integer> {
  /** One object per line: the shared mapper indents. */
  private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Option(names = "--space", required = true, description = "search space, e.g. nasbench201, nasrl-macro, cell, resnet50-scope, graph")
  String space;

  @Option(names = "--space-params", description = "the space's parameters as JSON, e.g. '{\"cells_per_stage\":1,\"channels\":16}' (default: the space's defaults)")
  String spaceParams;

  @Option(names = "--count", required = true, description = "architectures to draw (>= 1)")
  int count;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the draws (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (count < 1) {
      throw new BadInputException("--count must be >= 1, got " + count);
    }
    ObjectNode params = JsonFlags.object("--space-params", spaceParams);
    SearchSpace s = SearchSpaces.create(space, params);
    // a generator of its own: the lines depend on the seed alone, not on what else ran before
    Rng rng = Rng.of(seed);
    PrintWriter out = spec.commandLine().getOut();
    for (int i = 0; i < count; i++) {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("space", s.name());
      line.set("params", params == null ? Json.MAPPER.createObjectNode() : params);
      line.put("string", s.encode(s.sample(rng)));
      out.println(LINE.writeValueAsString(line));
    }
    out.flush();
    return 0;
  }
}
