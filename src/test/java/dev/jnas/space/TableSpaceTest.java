package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSpaceTest {
  @Test
  void infersSortedOptionsPerPosition() {
    TableSpace s = TableSpace.inferFrom(List.of("0201", "1120", "0101"));
    assertThat(s.positions()).containsExactly("01", "12", "02", "01");
    assertThat(s.size()).isEqualTo(java.math.BigInteger.valueOf(16));
    assertThat(s.encode(s.decode("1221"))).isEqualTo("1221");
    assertThat(s.decode("0201").choices()).containsExactly(0, 1, 0, 1);
  }

  @Test
  void rejectsKeysOfAnotherLength() {
    assertThatThrownBy(() -> TableSpace.inferFrom(List.of("0201", "120")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'120'")
        .hasMessageContaining("length 3");
  }

  @Test
  void decodeNamesTheBadPosition() {
    TableSpace s = new TableSpace(List.of("01", "012"));
    assertThatThrownBy(() -> s.decode("05"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("position 1")
        .hasMessageContaining("012");
    assertThatThrownBy(() -> s.decode("012")).isInstanceOf(BadInputException.class).hasMessageContaining("length 3");
  }

  @Test
  void isCreatedFromConfigByName() throws Exception {
    SearchSpace s = SearchSpaces.create("table", Json.MAPPER.readTree("{\"positions\": [\"ab\", \"xyz\"]}"));
    assertThat(s.enumerate().map(s::encode).toList()).containsExactly("ax", "ay", "az", "bx", "by", "bz");
    assertThatThrownBy(() -> SearchSpaces.create("table", null))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("positions");
    assertThatThrownBy(() -> SearchSpaces.create("table", Json.MAPPER.readTree("{\"positions\": [\"aa\"]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("twice");
  }
}
