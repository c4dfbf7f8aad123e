package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeclarativeSpaceTest {
  private final DeclarativeSpace space = DeclarativeSpaces.conditional();

  private static void rejected(String params, String... parts) {
    assertThatThrownBy(() -> DeclarativeSpaces.of(params))
        .as(params)
        .isInstanceOf(BadInputException.class)
        .message()
        .contains(parts);
  }

  @Test
  void isRegisteredAndCountsOnlyCanonicalArchitectures() {
    assertThat(SearchSpaces.providers()).containsKey("declarative");
    // depth 3 x width 2 x (sgd: 1 + 2 x 2 momentum/nesterov, rmsprop: the same, adam: 2 beta2)
    assertThat(space.size()).isEqualTo(BigInteger.valueOf(72));
    List<Architecture> all = space.enumerate().toList();
    assertThat(all).hasSize(72).doesNotHaveDuplicates().allMatch(a -> space.canonical(a).equals(a));
    Set<String> strings = new HashSet<>();
    all.forEach(a -> strings.add(space.encode(a)));
    assertThat(strings).hasSize(72)
        .contains("depth=1,optimizer=sgd,momentum=0.5,width=16", "depth=3,optimizer=adam,beta2=0.999,width=32",
            "depth=2,optimizer=rmsprop,momentum=0.99,nesterov=false,width=16");
  }

  @Test
  void canonicalStringListsActiveDecisionsAndDecodeFillsTheOthers() {
    Architecture a = space.decode("depth=2,optimizer=adam,beta2=0.999,width=32");
    assertThat(a.choices()).containsExactly(1, 1, 0, 0, 1, 1);
    assertThat(space.isActive(a, 2)).isFalse();
    assertThat(space.isActive(a, 4)).isTrue();
    assertThat(space.toJson(a).get("decisions").toString())
        .isEqualTo("{\"depth\":\"2\",\"optimizer\":\"adam\",\"beta2\":\"0.999\",\"width\":\"32\"}");
    // the same configuration with other values in its inactive decisions is the same architecture
    assertThat(space.canonical(new Architecture("declarative", new int[] {1, 1, 2, 1, 1, 1}))).isEqualTo(a);
    assertThat(space.violation(new Architecture("declarative", new int[] {1, 1, 2, 1, 1, 1})))
        .hasValueSatisfying(v -> assertThat(v).contains("momentum", "inactive", "optimizer is one of sgd, rmsprop"));
  }

  @Test
  void decodeAcceptsOnlyCanonicalStrings() {
    assertThatThrownBy(() -> space.decode("depth=2,optimizer=adam,momentum=0.9,beta2=0.99,width=16"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'momentum' is inactive")
        .hasMessageContaining("optimizer is one of sgd, rmsprop");
    assertThatThrownBy(() -> space.decode("depth=2,optimizer=sgd,width=16"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("lacks decision 'momentum'");
    assertThatThrownBy(() -> space.decode("optimizer=adam,depth=2,beta2=0.99,width=16"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("out of order");
    assertThatThrownBy(() -> space.decode("depth=2,depth=2,optimizer=adam,beta2=0.99,width=16"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> space.decode("depth=4,optimizer=adam,beta2=0.99,width=16"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'4' is not an option of depth (options: 1, 2, 3)");
    assertThatThrownBy(() -> space.decode("depth=2,optimiser=adam"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'optimiser' is not a decision");
  }

  @Test
  void jsonMayNotGiveAnInactiveDecision() {
    ObjectNode json = space.toJson(space.decode("depth=2,optimizer=adam,beta2=0.999,width=32"));
    json.remove("string");
    ((ObjectNode) json.get("decisions")).put("momentum", "0.9");
    assertThatThrownBy(() -> space.fromJson(json))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'momentum', which is inactive");
  }

  @Test
  void mutationGivesTheDecisionsItActivatesRandomValues() {
    Architecture adam = space.decode("depth=2,optimizer=adam,beta2=0.999,width=32");
    Set<String> momenta = new HashSet<>();
    Set<String> nesterov = new HashSet<>();
    for (long seed = 0; seed < 300; seed++) {
      Architecture m = space.mutate(adam, Rng.of(seed));
      if (m.get(1) != 1) { // optimizer changed: momentum switched on, beta2 off
        assertThat(m.get(4)).isZero();
        assertThat(m.get(0)).isEqualTo(adam.get(0));
        assertThat(m.get(5)).isEqualTo(adam.get(5));
        momenta.add(space.decisions().get(2).label(m.get(2)));
        if (space.isActive(m, 3)) {
          nesterov.add(space.decisions().get(3).label(m.get(3)));
        }
      }
    }
    assertThat(momenta).containsExactlyInAnyOrder("0.5", "0.9", "0.99");
    assertThat(nesterov).containsExactlyInAnyOrder("true", "false");
    // the neighbours hold every such completion: 2 other optimizers x (1 + 2 x 2) + 2 depths + 1 beta2 + 1 width
    assertThat(space.neighbours(adam)).hasSize(14);
  }

  @Test
  void sampleDrawsEachActiveDecisionUniformly() {
    Rng rng = Rng.of(3);
    int adam = 0;
    for (int i = 0; i < 3000; i++) {
      adam += space.sample(rng).get(1) == 1 ? 1 : 0;
    }
    // 1/3 of the draws (sd 26), as in Optuna/Hyperopt's tree-structured sampling; uniform over the
    // 72 architectures would give adam 12/72 x 3000 = 500
    assertThat(adam).isBetween(880, 1120);
  }

  @Test
  void conditionsMayReferToLaterDecisionsAndChain() {
    DeclarativeSpace s = DeclarativeSpaces.of("""
        decisions:
          - {name: c, options: [x, y], when: {b: [2]}}
          - {name: b, options: [1, 2], when: {a: [up]}}
          - {name: a, options: [up, down]}
        """);
    assertThat(s.enumerate().map(s::encode).toList())
        .containsExactlyInAnyOrder("a=down", "b=1,a=up", "c=x,b=2,a=up", "c=y,b=2,a=up");
    assertThat(s.size()).isEqualTo(BigInteger.valueOf(4));
    assertThat(s.decode("c=y,b=2,a=up").choices()).containsExactly(1, 1, 0);
    // an inactive parent makes its children inactive whatever it holds
    assertThat(s.isActive(s.decode("a=down"), 0)).isFalse();
  }

  @Test
  void numbersAreLabelledByTheirPlainValue() {
    DeclarativeSpace s = DeclarativeSpaces.of("""
        decisions:
          - {name: lr, options: [0.10, 1e-3, 2.0, 5]}
          - {name: wd, options: [0, 5e-4], when: {lr: [0.1]}}
        """);
    assertThat(s.decisions().get(0).label(0)).isEqualTo("0.1");
    assertThat(s.decisions().get(0).label(2)).isEqualTo("2");
    assertThat(s.decisions().get(0).label(3)).isEqualTo("5");
    assertThat(s.decisions().get(1).label(1)).isEqualTo("0.0005");
    assertThat(s.encode(s.sample(Rng.of(1)))).startsWith("lr=");
  }

  @Test
  void badDeclarationsAreRejectedNamingTheDecision() {
    rejected("decisions: []", "needs parameter 'decisions'");
    rejected("{}", "needs parameter 'decisions'");
    rejected("decisions: [{name: a, options: [1]}, {name: a, options: [2]}]", "decisions[1]", "'a'", "already used");
    rejected("decisions: [{name: a, options: []}]", "decision 'a'", "non-empty list 'options'");
    rejected("decisions: [{name: a}]", "decision 'a'", "options");
    rejected("decisions: [{options: [1]}]", "decisions[0] needs a 'name'");
    rejected("decisions: [{name: 'a b', options: [1]}]", "name 'a b'");
    rejected("decisions: [{name: a, options: [0.1, 0.10]}]", "decision 'a'", "same value '0.1'");
    rejected("decisions: [{name: a, options: [x, x]}]", "decision 'a'", "same value 'x'");
    rejected("decisions: [{name: a, options: ['x,y']}]", "decision 'a'", "may not contain ','");
    rejected("decisions: [{name: a, options: [[1, 2]]}]", "decision 'a'", "option 0 must be a number or a string");
    // YAML has no NaN jnas can read, but a Java caller can build one
    ObjectNode nan = (ObjectNode) DeclarativeSpaces.yaml("decisions: [{name: a, options: [1]}]");
    ((ArrayNode) nan.get("decisions").get(0).get("options")).add(Double.NaN);
    assertThatThrownBy(() -> SearchSpaces.create("declarative", nan))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("decision 'a': option 1 must be a number or a string");
    rejected("decisions: [{name: a, options: [1], colour: red}]", "unknown parameter 'decisions[0].colour'", "name, options, when");
    rejected("decisions: [{name: a, options: [1, 2]}, {name: b, options: [1], when: {c: [1]}}]",
        "decision 'b'", "'when' names 'c', which is not a decision", "a, b");
    rejected("decisions: [{name: a, options: [1, 2]}, {name: b, options: [1], when: {a: [3]}}]",
        "decision 'b'", "when.a", "3 is not an option of 'a' (options: 1, 2)");
    rejected("decisions: [{name: a, options: [1, 2]}, {name: b, options: [1], when: {a: []}}]",
        "decision 'b'", "when.a must list at least one option");
    rejected("decisions: [{name: a, options: [1, 2], when: {a: [1]}}]", "decision 'a'", "names the decision itself");
    rejected("decisions: [{name: a, options: [1, 2], when: {b: [1]}}, {name: b, options: [1, 2], when: {a: [2]}}]",
        "decisions a, b form a cycle");
    rejected("decisions: [{name: a, options: [1, 2]}, {name: b, options: [1, 2], when: {a: [1]}},"
        + " {name: c, options: [1], when: {a: [2], b: [1]}}]", "decision 'c' can never be active", "a is 2 and b is 1");
    rejected("decisions: [{name: a, options: [1]}, {name: b, options: [1], when: {}}]", "decision 'b'", "'when' is empty");
  }
}
