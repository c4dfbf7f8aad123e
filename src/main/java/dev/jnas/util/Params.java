package dev.jnas.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Binds a component's config parameters (a space's, a strategy's, a model builder's) to a record,
 * one way for every component: record components in camelCase read snake_case keys, unknown keys
 * are rejected, numbers are never guessed from strings and integers must be integral. Every
 * error reads {@code <component>: unknown parameter 'x' (valid: a, b, c)} or {@code <component>:
 * parameter 'x' must be <what>, got <value>}, where {@code x} is the full path ({@code
 * layers[2].conv.kernel}) and {@code component} says whose parameters they are ({@code search
 * space cell}, {@code strategy evolution}).
 *
 * <p>Records use boxed types so that an absent parameter reads as null and the component applies
 * its default; range rules stay with the component and report through {@link #bad}.
 */
public final class Params {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private Params() {}

  /**
   * @param component whose parameters these are, e.g. {@code search space nasrl-macro}
   * @param params the config's parameters; null, missing or JSON null mean "all defaults"
   * @throws BadInputException in the forms above
   */
  public static <T> T bind(String component, JsonNode params, Class<T> type) {
    JsonNode p = params == null || params.isNull() || params.isMissingNode() ? MAPPER.createObjectNode() : params;
    if (!p.isObject()) {
      throw new BadInputException(component + ": parameters must be an object of name: value, got " + p);
    }
    try {
      return MAPPER.treeToValue(p, type);
    } catch (UnrecognizedPropertyException e) {
      String path = path(e.getPath().subList(0, e.getPath().size() - 1));
      String name = (path.isEmpty() ? "" : path + ".") + e.getPropertyName();
      throw ConfigException.sentence(name, component + ": unknown parameter '" + name + "' (valid: " + valid(e) + ")");
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof BadInputException b) {
        throw b; // a record's own check ran in its constructor
      }
      String path = path(e.getPath());
      JsonNode got = at(p, e.getPath());
      if (path.isEmpty()) {
        throw new BadInputException(component + ": parameters are malformed: " + e.getOriginalMessage(), e);
      }
      throw bad(component, path, expected(e), got);
    } catch (JsonProcessingException e) {
      throw new BadInputException(component + ": parameters are malformed: " + e.getOriginalMessage(), e);
    }
  }

  /** The parameters of a bound record as JSON (snake_case keys, nulls left out). */
  public static ObjectNode toJson(Object params) {
    ObjectNode o = MAPPER.valueToTree(params);
    o.remove(o.properties().stream().filter(e -> e.getValue().isNull()).map(Map.Entry::getKey).toList());
    return o;
  }

  /** {@code <component>: parameter '<name>' must be <what>, got <got>}. */
  public static BadInputException bad(String component, String name, String what, Object got) {
    // a ConfigException placed at the parameter, so a config error names its line
    return ConfigException.sentence(
        name, component + ": parameter '" + name + "' must be " + what + ", got " + (got == null ? "nothing" : got));
  }

  /** {@code value}, or {@code fallback} when absent; fails unless {@code value >= min}. */
  public static int atLeast(String component, String name, Integer value, int fallback, int min) {
    int v = value == null ? fallback : value;
    if (v < min) {
      throw bad(component, name, "an integer >= " + min, v);
    }
    return v;
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() > 0 ? "." : "").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** The node the error's path points at in the bound tree (the JSON the user wrote). */
  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> refs) {
    JsonNode n = root;
    for (JsonMappingException.Reference r : refs) {
      n = r.getFieldName() != null ? n.path(r.getFieldName()) : n.path(r.getIndex());
    }
    return n.isMissingNode() ? null : n;
  }

  /** What the target of a failed binding accepts, in words. */
  private static String expected(JsonMappingException e) {
    if (e.getCause() instanceof com.fasterxml.jackson.core.exc.InputCoercionException c) {
      Class<?> t = c.getTargetType();
      return t == Integer.TYPE || t == Integer.class
          ? "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
          : words(t) + " in range";
    }
    Type t = null;
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null) {
      t = m.getTargetType();
    }
    if (t == null) {
      return "valid (" + e.getOriginalMessage() + ")";
    }
    return words(t);
  }

  private static String words(Type t) {
    Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> k ? k : Object.class;
    // a parameter's message names the parameter; its nested fields are listed when one is unknown
    return c.isRecord() ? "an object" : ConfigBinding.describe(c);
  }

  /** The valid names: a record's in declaration order (its author's order), else sorted. */
  private static String valid(UnrecognizedPropertyException e) {
    Class<?> c = e.getReferringClass();
    List<String> names;
    if (c != null && c.isRecord()) {
      PropertyNamingStrategies.NamingBase snake = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
      names = Arrays.stream(c.getRecordComponents()).map(r -> snake.translate(r.getName())).toList();
    } else {
      Collection<Object> ids = e.getKnownPropertyIds();
      names = ids == null ? List.of() : ids.stream().map(Object::toString).sorted().toList();
    }
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
