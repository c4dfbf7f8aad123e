package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {
  @Test
  void unkAndEosComeFirstThenDistinctTokensInOrder() {
    Vocabulary v = Vocabulary.of(List.of("b", "a", "b", "c"));
    assertThat(v.tokens()).containsExactly(Vocabulary.UNK, Vocabulary.EOS, "b", "a", "c");
    assertThat(v.size()).isEqualTo(5);
    assertThat(v.id(Vocabulary.UNK)).isZero();
    assertThat(v.id(Vocabulary.EOS)).isEqualTo(1);
    assertThat(v.id("a")).isEqualTo(3);
    assertThat(v.token(4)).isEqualTo("c");
  }

  @Test
  void anAbsentTokenIsUnk() {
    Vocabulary v = Vocabulary.of(List.of("x"));
    assertThat(v.contains("y")).isFalse();
    assertThat(v.id("y")).isEqualTo(v.id(Vocabulary.UNK));
    assertThat(v.contains("x")).isTrue();
  }

  @Test
  void unkAndEosInTheListKeepTheirPlace() {
    Vocabulary v = Vocabulary.of(List.of("x", Vocabulary.UNK, Vocabulary.EOS));
    assertThat(v.tokens()).containsExactly("x", Vocabulary.UNK, Vocabulary.EOS);
    assertThat(v.id("nope")).isEqualTo(1);
    // only the missing one is put first
    assertThat(Vocabulary.of(List.of("x", Vocabulary.UNK)).tokens()).containsExactly(Vocabulary.EOS, "x", Vocabulary.UNK);
  }

  @Test
  void tokensCannotBeChangedOrBeEmpty() {
    Vocabulary v = Vocabulary.of(List.of("x"));
    assertThatThrownBy(() -> v.tokens().add("y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Vocabulary.of(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v.token(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void levelsParseAndNameTheValidOnes() {
    assertThat(TextLevel.parse("word")).isEqualTo(TextLevel.WORD);
    assertThat(TextLevel.parse(" CHAR ")).isEqualTo(TextLevel.CHAR);
    assertThatThrownBy(() -> TextLevel.parse("byte"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'byte'")
        .hasMessageContaining("word, char");
  }
}
