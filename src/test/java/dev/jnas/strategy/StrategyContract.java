package dev.jnas.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.DeclarativeSpaces;
import dev.jnas.space.NasBench201Space;
import dev.jnas.space.SearchSpace;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every strategy must do, run for each one on NAS-Bench-201's space, on a small constrained
 * toy space and on a declarative space with chained conditional decisions (like Optuna's sampler
 * test cases): valid canonical asks, determinism by seed,
 * exact continuation after snapshot/restore (also with asks in flight), survival of failed
 * trials, and rejection of bad parameters.
 */
abstract class StrategyContract {

  /** The registered name of the strategy under test. */
  protected abstract String strategyName();

  /** Parameters for the contract runs (small populations so the toy space reaches evolution). */
  protected JsonNode params() {
    return Json.MAPPER.createObjectNode();
  }

  /** Parameter objects that must be rejected; each one's first field must be named in the error. */
  protected abstract List<String> badParams();

  /**
   * The space of the tests that need just one small space (registration, bad parameters,
   * snapshots of other parameters): the toy space, unless the strategy runs only on spaces of a
   * kind (PNAS: progressive cells).
   */
  protected SearchSpace simpleSpace() {
    return new ToySpace();
  }

  /** Whether two seeds give different asks (false for an unshuffled grid). */
  protected boolean usesSeed() {
    return true;
  }

  static Stream<SearchSpace> spaces() {
    return Stream.of(new NasBench201Space(), new ToySpace(), DeclarativeSpaces.conditional());
  }

  private final List<Strategy> created = new ArrayList<>();

  protected final Strategy create(SearchSpace space, long seed) {
    Strategy s = Strategies.create(strategyName(), space, params(), seed);
    created.add(s);
    return s;
  }

  /** Frees what strategies hold outside the heap (the REINFORCE controller's native arrays). */
  @AfterEach
  void closeStrategies() throws Exception {
    for (Strategy s : created) {
      if (s instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  /** A deterministic reward with structure (later options better) and a hash-based jitter. */
  static double reward(SearchSpace space, Architecture arch) {
    double r = 0;
    for (int i = 0; i < arch.size(); i++) {
      r += arch.get(i);
    }
    return r + (space.encode(arch).hashCode() & 0xffff) / 65_536.0;
  }

  /**
   * Runs {@code steps} rounds of ask(batch), keeping up to {@code lag} asked architectures in
   * flight (told one round later), failing every 5th; returns the canonical strings asked. A
   * round whose ask gives nothing (a controller waiting for its batch's rewards) tells all in
   * flight, as the experiment loop would by waiting for its running trials.
   */
  static List<String> drive(Strategy s, SearchSpace space, Deque<Architecture> inFlight, int steps, int batch, int lag) {
    List<String> asked = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      List<Architecture> got = s.ask(batch);
      for (Architecture a : got) {
        // canonical: an inactive decision holding another option would be a duplicate in disguise
        assertThat(space.canonical(a)).as("asked %s", a).isEqualTo(a);
        asked.add(space.encode(a));
        inFlight.addLast(a);
      }
      while (inFlight.size() > (got.isEmpty() ? 0 : lag)) {
        Architecture a = inFlight.removeFirst();
        boolean fails = Math.floorMod(space.encode(a).hashCode(), 5) == 0;
        s.tell(a, fails ? OptionalDouble.empty() : OptionalDouble.of(reward(space, a)));
      }
    }
    return asked;
  }

  @Test
  void isRegisteredUnderItsName() {
    assertThat(Strategies.providers()).containsKey(strategyName());
    assertThat(Strategies.providers().get(strategyName()).description()).isNotBlank();
    assertThat(create(simpleSpace(), 1).name()).isEqualTo(strategyName());
  }

  @ParameterizedTest
  @MethodSource("spaces")
  void asksAreValidArchitecturesOfTheSpace(SearchSpace space) {
    Strategy s = create(space, 11);
    List<String> asked = drive(s, space, new ArrayDeque<>(), 80, 2, 3);
    assertThat(asked).isNotEmpty();
    for (String a : asked) {
      Architecture arch = space.decode(a);
      assertThat(arch.space()).isEqualTo(space.name());
      assertThat(space.violation(arch)).as(a).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("spaces")
  void sameSeedGivesTheSameAsksUnderTheSameTells(SearchSpace space) {
    List<String> first = drive(create(space, 5), space, new ArrayDeque<>(), 60, 3, 4);
    List<String> second = drive(create(space, 5), space, new ArrayDeque<>(), 60, 3, 4);
    assertThat(second).isEqualTo(first);
    if (usesSeed() && space instanceof NasBench201Space) {
      assertThat(drive(create(space, 6), space, new ArrayDeque<>(), 60, 3, 4)).isNotEqualTo(first);
    }
  }

  @ParameterizedTest
  @MethodSource("spaces")
  void restoredSnapshotContinuesExactly(SearchSpace space) throws Exception {
    Strategy original = create(space, 3);
    Deque<Architecture> inFlight = new ArrayDeque<>();
    drive(original, space, inFlight, 9, 2, 3);
    // a strategy that waits for rewards at times (a controller's batch, a local search's
    // neighbourhood) may have just been told everything: drive on until asks are in flight
    for (int extra = 0; extra < 20 && inFlight.isEmpty(); extra++) {
      drive(original, space, inFlight, 1, 2, 3);
    }
    assertThat(inFlight).as("asks still in flight at the snapshot").isNotEmpty();
    // Through text, as a checkpoint file would carry it.
    ObjectNode snapshot = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(original.snapshot()));
    assertThat(snapshot.get("params")).isNotNull();

    Strategy restored = create(space, 999); // another seed: the snapshot's random state must win
    restored.restore(snapshot);
    List<String> expected = drive(original, space, new ArrayDeque<>(inFlight), 40, 2, 3);
    List<String> actual = drive(restored, space, new ArrayDeque<>(inFlight), 40, 2, 3);
    assertThat(actual).isEqualTo(expected);
    assertThat(restored.isExhausted()).isEqualTo(original.isExhausted());
    assertThat(restored.snapshot()).isEqualTo(original.snapshot());
  }

  @ParameterizedTest
  @MethodSource("spaces")
  void keepsAskingWhenEveryTrialFails(SearchSpace space) {
    Strategy s = create(space, 8);
    List<Architecture> asked = new ArrayList<>();
    for (int i = 0; i < 15 && !s.isExhausted(); i++) {
      for (Architecture a : s.ask(1)) {
        asked.add(a);
        s.tell(a, OptionalDouble.empty());
      }
    }
    assertThat(asked).isNotEmpty();
    // Still works, and learns, once results come in.
    List<String> later = drive(s, space, new ArrayDeque<>(), 20, 1, 0);
    assertThat(asked.size() + later.size()).isGreaterThanOrEqualTo(Math.min(35, space.size().intValue()));
    later.forEach(a -> assertThat(space.violation(space.decode(a))).isEmpty());
  }

  @Test
  void rejectsBadParametersNamingThem() throws Exception {
    for (String bad : badParams()) {
      JsonNode p = Json.MAPPER.readTree(bad);
      String field = p.fieldNames().next();
      assertThatThrownBy(() -> Strategies.create(strategyName(), simpleSpace(), p, 1))
          .as(bad)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("strategy " + strategyName() + ": ")
          .hasMessageContaining("'" + field + "'")
          // an unknown name lists the valid ones; a bad value says what the parameter must be
          .message().containsAnyOf("(valid: ", " must be ");
    }
    assertThatThrownBy(() -> Strategies.create(strategyName(), simpleSpace(), Json.MAPPER.readTree("{\"no_such_param\": 1}"), 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no_such_param");
  }

  @Test
  void rejectsASnapshotOfOtherParameters() {
    ObjectNode snapshot = create(simpleSpace(), 1).snapshot();
    snapshot.set("params", Json.MAPPER.createObjectNode().put("bogus", 1));
    assertThatThrownBy(() -> create(simpleSpace(), 1).restore(snapshot))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("parameter");
  }
}
