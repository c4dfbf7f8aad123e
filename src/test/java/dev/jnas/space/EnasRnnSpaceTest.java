package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EnasRnnSpaceTest {
  private final EnasRnnSpace four = new EnasRnnSpace(4);

  @Test
  void decisionsFollowTheControllersOrder() {
    assertThat(four.decisions().stream().map(Decision::name))
        .containsExactly(
            "node_1_activation",
            "node_2_input", "node_2_activation",
            "node_3_input", "node_3_activation",
            "node_4_input", "node_4_activation");
    assertThat(four.decisions().get(0)).isEqualTo(new Decision.Categorical("node_1_activation", EnasRnnSpace.ACTIVATIONS));
    assertThat(four.decisions().get(1)).isEqualTo(new Decision.InputChoice("node_2_input", 2, List.of(1)));
    assertThat(four.decisions().get(5)).isEqualTo(new Decision.InputChoice("node_4_input", 4, List.of(1, 2, 3)));
    assertThat(four.nodes()).isEqualTo(4);
  }

  @Test
  void theDocumentedExampleReadsBackAsWritten() {
    Architecture a = four.decode("tanh 1:relu 1:identity 2:sigmoid");
    assertThat(four.activation(a, 1)).isEqualTo("tanh");
    assertThat(four.input(a, 2)).isEqualTo(1);
    assertThat(four.activation(a, 2)).isEqualTo("relu");
    assertThat(four.input(a, 3)).isEqualTo(1);
    assertThat(four.activation(a, 3)).isEqualTo("identity");
    assertThat(four.input(a, 4)).isEqualTo(2);
    assertThat(four.activation(a, 4)).isEqualTo("sigmoid");
    assertThat(four.outputs(a)).containsExactly(3, 4);
    // the stored indices: node 4's input 2 is candidate index 1, sigmoid is activation 3
    assertThat(a.choices()).containsExactly(0, 0, 1, 0, 2, 1, 3);
    assertThat(four.encode(a)).isEqualTo("tanh 1:relu 1:identity 2:sigmoid");
    assertThat(four.toJson(a).get("decisions").get("node_4_input").asText()).isEqualTo("2");
  }

  @Test
  void looseEndsAreTheNodesNobodyReads() {
    assertThat(four.outputs(four.decode("tanh 1:tanh 2:tanh 3:tanh"))).containsExactly(4);
    assertThat(four.outputs(four.decode("relu 1:relu 1:relu 1:relu"))).containsExactly(2, 3, 4);
    assertThat(four.outputs(four.decode("relu 1:relu 2:relu 2:relu"))).containsExactly(3, 4);
    EnasRnnSpace five = new EnasRnnSpace(5);
    assertThat(five.outputs(five.decode("tanh 1:relu 2:relu 2:relu 1:tanh"))).containsExactly(3, 4, 5);
    assertThat(five.outputs(five.decode("tanh 1:relu 1:relu 3:relu 2:tanh"))).containsExactly(4, 5);
    EnasRnnSpace one = new EnasRnnSpace(1);
    assertThat(one.outputs(one.decode("sigmoid"))).containsExactly(1);
  }

  @Test
  void sizeIsFourToTheNTimesNMinusOneFactorial() {
    assertThat(new EnasRnnSpace(1).size()).isEqualTo(BigInteger.valueOf(4));
    assertThat(new EnasRnnSpace(3).size()).isEqualTo(BigInteger.valueOf(128));
    assertThat(new EnasRnnSpace(3).enumerate().count()).isEqualTo(128);
    assertThat(new EnasRnnSpace(8).size()).isEqualTo(BigInteger.valueOf(65_536L * 5_040));
    // the paper's 12 nodes: 4^12 x 11! (the paper's 4^12 x 12! counts a free input for node 1)
    assertThat(new EnasRnnSpace(12).size()).isEqualTo(BigInteger.valueOf(669_692_775_628_800L));
    assertThat(new EnasRnnSpace(24).size()).isEqualTo(BigInteger.valueOf(4).pow(24).multiply(factorial(23)));
  }

  private static BigInteger factorial(int n) {
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= n; i++) {
      f = f.multiply(BigInteger.valueOf(i));
    }
    return f;
  }

  @Test
  void nodeCountIsChecked() {
    assertThatThrownBy(() -> new EnasRnnSpace(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EnasRnnSpace(25)).isInstanceOf(IllegalArgumentException.class);
    Architecture a = four.decode("tanh 1:relu 1:identity 2:sigmoid");
    assertThatThrownBy(() -> four.input(a, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 1");
    assertThatThrownBy(() -> four.activation(a, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  private void rejected(String text, String... parts) {
    assertThatThrownBy(() -> four.decode(text)).as(text).isInstanceOf(BadInputException.class).message().contains(parts);
  }

  @Test
  void decodeNamesTheWrongEntry() {
    rejected("tanh 1:relu 1:identity", "has 3 node entries", "expected 4");
    rejected("tanh 1:relu 1:identity 2:sigmoid 3:tanh", "has 5 node entries", "expected 4");
    rejected("tanh 1:relu 1:selu 2:sigmoid", "node 3 entry '1:selu'", "unknown activation 'selu'", "tanh, relu, identity, sigmoid");
    rejected("gelu 1:relu 1:identity 2:sigmoid", "node 1 entry 'gelu'", "unknown activation 'gelu'");
    rejected("tanh 1:relu 3:identity 2:sigmoid", "node 3 entry '3:identity'", "input '3' is not an earlier node", "1..2");
    rejected("tanh 1:relu 1:identity 0:sigmoid", "node 4 entry '0:sigmoid'", "input '0'", "1..3");
    rejected("tanh 2:relu 1:identity 1:sigmoid", "node 2 entry '2:relu'", "(valid: 1)");
    rejected("tanh 01:relu 1:identity 2:sigmoid", "node 2", "input '01'");
    rejected("tanh 1:relu relu 2:sigmoid", "node 3 entry 'relu'", "is not <input>:<activation>");
    rejected("1:tanh 1:relu 1:identity 2:sigmoid", "node 1 entry '1:tanh'", "activation alone");
    // a doubled space is an empty entry, not a second spelling
    rejected("tanh 1:relu  1:identity", "node 3 entry ''", "is not <input>:<activation>");
    rejected("tanh  1:relu 1:identity 2:sigmoid", "has 5 node entries");
  }

  @Property(tries = 200)
  void decodeOfEncodeIsTheSample(@ForAll @IntRange(min = 1, max = 24) int nodes, @ForAll long seed) {
    EnasRnnSpace s = new EnasRnnSpace(nodes);
    Architecture a = s.sample(Rng.of(seed));
    assertThat(s.decode(s.encode(a))).isEqualTo(a);
    // every node reads an earlier one, and the loose ends are exactly the unread nodes
    List<Integer> read = new ArrayList<>();
    for (int i = 2; i <= nodes; i++) {
      assertThat(s.input(a, i)).isBetween(1, i - 1);
      read.add(s.input(a, i));
    }
    List<Integer> outputs = s.outputs(a);
    assertThat(outputs).isSorted().contains(nodes);
    for (int i = 1; i <= nodes; i++) {
      assertThat(outputs.contains(i)).as("node %d", i).isEqualTo(!read.contains(i));
    }
  }

  @Test
  void paramsAreChecked() throws Exception {
    assertThat(((EnasRnnSpace) SearchSpaces.create("enas-rnn", null)).nodes()).isEqualTo(EnasRnnSpace.DEFAULT_NODES);
    assertThat(((EnasRnnSpace) SearchSpaces.create("enas-rnn", Json.MAPPER.readTree("{\"nodes\": 3}"))).nodes()).isEqualTo(3);
    assertThatThrownBy(() -> SearchSpaces.create("enas-rnn", Json.MAPPER.readTree("{\"nodes\": 0}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("search space enas-rnn: parameter 'nodes' must be an integer in 1..24, got 0");
    assertThatThrownBy(() -> SearchSpaces.create("enas-rnn", Json.MAPPER.readTree("{\"nodes\": 25}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("got 25");
    assertThatThrownBy(() -> SearchSpaces.create("enas-rnn", Json.MAPPER.readTree("{\"blocks\": 3}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown parameter 'blocks' (valid: nodes)");
  }
}
