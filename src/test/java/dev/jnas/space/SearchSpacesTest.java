package dev.jnas.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.PairSpace;
import dev.jnas.util.BadInputException;
import org.junit.jupiter.api.Test;

/** Spaces by registered name (ServiceLoader, a test plugin included) and by class. */
class SearchSpacesTest {
  private static SearchSpace fromConfig(String yaml) {
    return SearchSpaces.fromConfig(DeclarativeSpaces.yaml(yaml));
  }

  private static void rejected(String yaml, String... parts) {
    assertThatThrownBy(() -> fromConfig(yaml)).as(yaml).isInstanceOf(BadInputException.class).message().contains(parts);
  }

  @Test
  void builtInsAndPluginsAreRegisteredByName() {
    assertThat(SearchSpaces.names())
        .contains("nasbench201", "nasrl-macro", "enas-rnn", "nasrl-rnn", "cell", "table", "declarative", "acme-pair");
    SearchSpaces.providers().values().forEach(p -> assertThat(p.description()).isNotBlank());
    SearchSpace pair = fromConfig("{name: acme-pair, params: {n: 4}}");
    assertThat(pair).isInstanceOf(PairSpace.class);
    assertThat(pair.size().intValue()).isEqualTo(16);
    assertThat(fromConfig("nasbench201")).isInstanceOf(NasBench201Space.class);
  }

  @Test
  void unknownNameListsTheValidOnes() {
    rejected("{name: nasbench999}", "unknown search space 'nasbench999'", "valid: acme-pair, cell, declarative, enas-rnn, graph, hyperparameters, nasbench201, nasrl-macro, nasrl-rnn");
  }

  @Test
  void aClassIsASpaceWithAParamsConstructorOrNoneOrAProvider() {
    SearchSpace pair = fromConfig("{class: com.acme.PairSpace, params: {n: 2}}");
    assertThat(pair.size().intValue()).isEqualTo(4);
    assertThat(fromConfig("{class: com.acme.PairSpaceProvider, params: {n: 3}}").size().intValue()).isEqualTo(9);
    // a nested class written as in Java source, or with '$'
    assertThat(fromConfig("{class: com.acme.Misfits.FixedSpace}").name()).isEqualTo("acme-fixed");
    assertThat(fromConfig("{class: com.acme.Misfits$FixedSpace}").name()).isEqualTo("acme-fixed");
    // the plugin's own parameter errors come through in the shared form
    rejected("{class: com.acme.PairSpace, params: {m: 2}}",
        "com.acme.PairSpace", "search space acme-pair: unknown parameter 'm' (valid: n)");
  }

  @Test
  void badClassesAreNamedWithTheProblem() {
    rejected("{class: com.acme.NoSuchSpace}", "search space class 'com.acme.NoSuchSpace' is not on the class path");
    rejected("{class: com.acme.Misfits.NotASpace}", "com.acme.Misfits$NotASpace", "is neither a dev.jnas.space.SearchSpace nor a");
    rejected("{class: com.acme.Misfits.TwoArgSpace}", "com.acme.Misfits$TwoArgSpace", "needs a public constructor taking the params");
    rejected("{class: com.acme.Misfits.ThrowingSpace}", "com.acme.Misfits$ThrowingSpace",
        "its constructor failed: IllegalStateException: disk on fire");
    rejected("{class: com.acme.Misfits.AbstractSpace}", "is abstract");
    rejected("{class: com.acme.Misfits.HiddenSpace}", "is not public");
    rejected("{class: com.acme.Misfits.FixedSpace, params: {x: 1}}", "com.acme.Misfits$FixedSpace", "takes no params");
    // the cheap check before any data is read catches the same class problems
    assertThatThrownBy(() -> SearchSpaces.check(DeclarativeSpaces.yaml("{class: com.acme.Misfits.NotASpace}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("is neither");
  }

  @Test
  void theSectionNeedsExactlyOneOfNameAndClass() {
    rejected("{params: {n: 2}}", "exactly one of 'name'", "'class'");
    rejected("{name: nasbench201, class: com.acme.PairSpace}", "exactly one of 'name'");
    rejected("{name: nasbench201, colour: red}", "unknown field 'space.colour' (valid: class, name, params)");
    rejected("{name: nasbench201, params: [1]}", "'space.params' must be an object");
  }
}
