package dev.jnas.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jnas.experiment.ExperimentConfig;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.strategy.Strategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shipped config (examples/, bench/oneshot/, bench/morph/, bench/lm/) reads, validates and binds its space and strategy. */
class ExampleConfigsTest {
  @Test
  void everyShippedConfigIsValid() throws Exception {
    List<Path> configs;
    try (Stream<Path> a = Files.list(Path.of("examples")); Stream<Path> b = Stream.concat(Stream.concat(Files.list(Path.of("bench", "oneshot")), Files.list(Path.of("bench", "morph"))), Files.list(Path.of("bench", "lm")))) {
      configs = Stream.concat(a, b).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(configs).extracting(p -> p.getFileName().toString())
        .contains("quickstart.yaml", "oneshot-darts.yaml", "oneshot-proxyless.yaml", "oneshot-enas.yaml", "resnet50-scope.yaml",
            "hill-climbing.yaml", "lemonade.yaml", "nash.yaml", "evolution.yaml", "lm-grammar-enas.yaml", "fortunes-enas.yaml");
    for (Path p : configs) {
      ExperimentConfig c = ExperimentConfig.load(p);
      c.validate();
      if (c.spaceParams() != null && c.space().has("class")) {
        continue; // a user class, checked by its own test
      }
      SearchSpace space = SearchSpaces.fromConfig(c.space());
      assertThat(Strategies.create(c.strategyName(), space, c.strategyParams(), c.seedOrDefault()).name())
          .as(p.toString()).isEqualTo(c.strategyName());
    }
  }
}
