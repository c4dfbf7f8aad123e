package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.Rng;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NasRlRnnSpaceTest {
  /** The paper's Figure 5 cell. */
  private static final String FIGURE_5 = "add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;cell=1";

  private final NasRlRnnSpace two = new NasRlRnnSpace(2);
  private final NasRlRnnSpace eight = new NasRlRnnSpace(8);

  @Test
  void decisionsFollowTheControllersOrder() {
    assertThat(two.decisions().stream().map(Decision::name))
        .containsExactly(
            "node_0_combine", "node_0_activation",
            "node_1_combine", "node_1_activation",
            "node_2_combine", "node_2_activation",
            "inject_combine", "inject_activation", "inject_at", "cell_from");
    assertThat(two.decisions().get(8)).isEqualTo(new Decision.Categorical("inject_at", List.of("0", "1")));
    assertThat(two.decisions().get(9)).isEqualTo(new Decision.Categorical("cell_from", List.of("0", "1")));
    assertThat(eight.decisions()).hasSize(2 * 15 + 4);
    assertThat(eight.decisions().get(33).cardinality()).isEqualTo(14);
  }

  @Test
  void thePapersFigure5ReadsBackAsWritten() {
    Architecture a = two.decode(FIGURE_5);
    assertThat(two.combine(a, 0)).isEqualTo("add");
    assertThat(two.activation(a, 0)).isEqualTo("tanh");
    assertThat(two.combine(a, 1)).isEqualTo("mul");
    assertThat(two.activation(a, 1)).isEqualTo("relu");
    assertThat(two.combine(a, 2)).isEqualTo("mul");
    assertThat(two.activation(a, 2)).isEqualTo("sigmoid");
    assertThat(two.injectCombine(a)).isEqualTo("add");
    assertThat(two.injectActivation(a)).isEqualTo("relu");
    assertThat(two.injectAt(a)).isEqualTo(0);
    assertThat(two.cellFrom(a)).isEqualTo(1);
    assertThat(a.choices()).containsExactly(0, 0, 1, 1, 1, 2, 0, 1, 0, 1);
    assertThat(two.encode(a)).isEqualTo(FIGURE_5);
  }

  @Test
  void theTreeIsNumberedLevelByLevel() {
    assertThat(eight.base()).isEqualTo(8);
    assertThat(eight.nodeCount()).isEqualTo(15);
    assertThat(eight.root()).isEqualTo(14);
    assertThat(eight.children(14)).containsExactly(12, 13);
    assertThat(eight.children(8)).containsExactly(0, 1);
    assertThat(eight.children(11)).containsExactly(6, 7);
    assertThat(eight.children(12)).containsExactly(8, 9);
    assertThat(eight.children(13)).containsExactly(10, 11);
    assertThat(eight.children(7)).isEmpty();
    assertThat(eight.isLeaf(7)).isTrue();
    assertThat(eight.isLeaf(8)).isFalse();
    assertThat(two.children(2)).containsExactly(0, 1);
    assertThat(two.root()).isEqualTo(2);
    assertThatThrownBy(() -> eight.children(15)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> eight.isLeaf(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyBaseGivesAFullBinaryTree() {
    for (int base : new int[] {2, 4, 8, 16}) {
      NasRlRnnSpace s = new NasRlRnnSpace(base);
      int[] parents = new int[s.nodeCount()];
      int[] depth = new int[s.nodeCount()]; // leaves at 0, their parents at 1...
      java.util.Arrays.fill(parents, -1);
      for (int n = 0; n < s.nodeCount(); n++) {
        assertThat(s.isLeaf(n)).as("base %d node %d", base, n).isEqualTo(n < base);
        int[] ch = s.children(n);
        assertThat(ch).hasSize(n < base ? 0 : 2);
        for (int c : ch) {
          assertThat(c).as("child of %d", n).isLessThan(n); // children come first: node order is evaluation order
          assertThat(parents[c]).as("node %d has one parent", c).isEqualTo(-1);
          parents[c] = n;
        }
        if (ch.length == 2) {
          assertThat(depth[ch[0]]).as("siblings of base %d node %d", base, n).isEqualTo(depth[ch[1]]);
          assertThat(ch[1]).isEqualTo(ch[0] + 1);
          depth[n] = depth[ch[0]] + 1;
        }
      }
      for (int n = 0; n < s.root(); n++) {
        assertThat(parents[n]).as("base %d node %d", base, n).isNotNegative();
      }
      assertThat(parents[s.root()]).isEqualTo(-1);
      assertThat(depth[s.root()]).isEqualTo(Integer.numberOfTrailingZeros(base));
    }
  }

  @Test
  void sizeIsEightPerNodeTimesTheInject() {
    assertThat(two.size()).isEqualTo(BigInteger.valueOf(16_384));
    assertThat(two.enumerate().count()).isEqualTo(16_384);
    assertThat(new NasRlRnnSpace(4).size()).isEqualTo(BigInteger.valueOf(8).pow(7).multiply(BigInteger.valueOf(8 * 36)));
    assertThat(eight.size()).isEqualTo(BigInteger.valueOf(55_169_095_435_288_576L));
    assertThat(new NasRlRnnSpace(16).size()).isEqualTo(BigInteger.valueOf(8).pow(32).multiply(BigInteger.valueOf(30 * 30)));
  }

  @Test
  void baseMustBeAPowerOfTwoFrom2To16() {
    for (int bad : new int[] {0, 1, 3, 6, 12, 32}) {
      assertThatThrownBy(() -> new NasRlRnnSpace(bad)).as("base %d", bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private void rejected(String text, String... parts) {
    assertThatThrownBy(() -> two.decode(text)).as(text).isInstanceOf(BadInputException.class).message().contains(parts);
  }

  @Test
  void decodeNamesTheWrongPart() {
    rejected("add:tanh,mul:relu;inject=add:relu@0;cell=1", "has 2 entries", "expected 3", "base 2");
    rejected("add:tanh,sub:relu,mul:sigmoid;inject=add:relu@0;cell=1", "node 1 entry 'sub:relu'", "unknown combine 'sub'", "add, mul");
    rejected("add:tanh,mul:relu,mul:gelu;inject=add:relu@0;cell=1", "node 2 entry 'mul:gelu'", "unknown activation 'gelu'",
        "tanh, relu, sigmoid, identity");
    rejected("add:tanh,mul,mul:sigmoid;inject=add:relu@0;cell=1", "node 1 entry 'mul'", "is not <combine>:<activation>");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=max:relu@0;cell=1", "inject 'inject=max:relu@0'", "unknown combine 'max'");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:elu@0;cell=1", "inject", "unknown activation 'elu'");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@2;cell=1", "inject", "node '2' is out of range", "0..1",
        "root 2");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu;cell=1", "inject 'inject=add:relu'",
        "is not inject=<combine>:<activation>@<node>");
    rejected("add:tanh,mul:relu,mul:sigmoid;add:relu@0;cell=1", "inject 'add:relu@0'", "is not inject=");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;cell=2", "cell", "node '2' is out of range");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;cell=01", "cell", "node '01'");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0;1", "cell '1'", "is not cell=<node>");
    rejected("add:tanh,mul:relu,mul:sigmoid", "missing the ';inject=...' and ';cell=...' sections");
    rejected("add:tanh,mul:relu,mul:sigmoid;inject=add:relu@0", "missing the ';cell=<node>' section");
    rejected("add:tanh,mul:relu,mul:sigmoid;cell=1", "missing the ';inject=<combine>:<activation>@<node>' section");
    rejected(FIGURE_5 + ";cell=0", "has 4 sections", "expected 3");
  }

  @Property(tries = 200)
  void decodeOfEncodeIsTheSample(@ForAll @IntRange(min = 1, max = 4) int log2Base, @ForAll long seed) {
    NasRlRnnSpace s = new NasRlRnnSpace(1 << log2Base);
    Architecture a = s.sample(Rng.of(seed));
    String text = s.encode(a);
    assertThat(s.decode(text)).isEqualTo(a);
    assertThat(s.injectAt(a)).isBetween(0, s.root() - 1);
    assertThat(s.cellFrom(a)).isBetween(0, s.root() - 1);
    assertThat(text).endsWith(";inject=" + s.injectCombine(a) + ":" + s.injectActivation(a) + "@" + s.injectAt(a)
        + ";cell=" + s.cellFrom(a));
  }

  @Test
  void paramsAreChecked() throws Exception {
    assertThat(((NasRlRnnSpace) SearchSpaces.create("nasrl-rnn", null)).base()).isEqualTo(NasRlRnnSpace.DEFAULT_BASE);
    assertThat(((NasRlRnnSpace) SearchSpaces.create("nasrl-rnn", Json.MAPPER.readTree("{\"base\": 4}"))).base()).isEqualTo(4);
    for (int bad : new int[] {6, 1, 32, 0}) {
      assertThatThrownBy(() -> SearchSpaces.create("nasrl-rnn", Json.MAPPER.readTree("{\"base\": " + bad + "}")))
          .as("base %d", bad)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("search space nasrl-rnn: parameter 'base' must be a power of two in 2..16")
          .hasMessageContaining("got " + bad);
    }
    assertThatThrownBy(() -> SearchSpaces.create("nasrl-rnn", Json.MAPPER.readTree("{\"leaves\": 8}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown parameter 'leaves' (valid: base)");
  }
}
