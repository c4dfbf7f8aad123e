package dev.jnas.util;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Binds a part of a config (a JSON tree) to a record, strictly: unknown fields, fractions where
 * integers are meant, nulls for primitives and values of the wrong type are {@link
 * ConfigException}s naming the field's path, never Jackson's messages with Java class names.
 */
public final class ConfigBinding {
  /** The strict mapper every config part is bound with. */
  public static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ConfigBinding() {}

  /**
   * Binds {@code node} (null or missing: an empty object) to {@code type}.
   *
   * @throws ConfigException with the path of the bad field relative to {@code node}
   */
  public static <T> T bind(JsonNode node, Class<T> type) {
    JsonNode n = node == null || node.isNull() || node.isMissingNode() ? STRICT.createObjectNode() : node;
    try {
      return STRICT.treeToValue(n, type);
    } catch (JsonProcessingException e) {
      throw translate(e);
    } catch (IllegalArgumentException e) {
      throw translate(e.getCause() instanceof JsonProcessingException j ? j : new JsonMappingException(null, e.getMessage()));
    }
  }

  /** Jackson's error as a {@link ConfigException} with the field path and a message in words. */
  public static ConfigException translate(JsonProcessingException e) {
    String path = e instanceof JsonMappingException m ? path(m) : "";
    if (e instanceof UnrecognizedPropertyException u) {
      return ConfigException.unknownField(path, names(u.getKnownPropertyIds()));
    }
    if (e instanceof ValueInstantiationException v && v.getCause() instanceof BadInputException b) {
      // a record's own check (its compact constructor) rejected the values
      return b instanceof ConfigException c ? c.under(path) : ConfigException.invalid(path, b.getMessage(), b);
    }
    if (e instanceof InvalidFormatException f) {
      return ConfigException.invalid(path, "must be " + describe(f.getTargetType()) + ", got " + shown(f.getValue()));
    }
    if (e instanceof MismatchedInputException m) {
      return ConfigException.invalid(path, "must be " + describe(m.getTargetType()) + gotToken(m));
    }
    if (e.getCause() instanceof InputCoercionException c || e instanceof InputCoercionException) {
      return ConfigException.invalid(path, "must be an integer within " + rangeOf(e));
    }
    if (e.getCause() instanceof BadInputException b) {
      return b instanceof ConfigException c ? c.under(path) : ConfigException.invalid(path, b.getMessage(), b);
    }
    return ConfigException.invalid(path, e.getOriginalMessage());
  }

  static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static List<String> names(Collection<Object> ids) {
    return ids == null ? List.of() : ids.stream().map(Object::toString).sorted().toList();
  }

  /** What a value of {@code type} looks like, in words. */
  public static String describe(Class<?> type) {
    if (type == null) {
      return "a value of another kind";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList());
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return type.isRecord()
          ? "an object with fields " + String.join(", ", java.util.Arrays.stream(type.getRecordComponents()).map(ConfigBinding::jsonName).toList())
          : "an object";
    }
    return type == Object.class ? "a value of another kind" : "an object";
  }

  private static String jsonName(java.lang.reflect.RecordComponent c) {
    // @JsonProperty does not target record components; it lands on the accessor
    var p = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
    // unannotated components are bound snake_case (util.Params), as in the config files
    return p != null && !p.value().isEmpty()
        ? p.value()
        : ((com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase)
                com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .translate(c.getName());
  }

  private static String gotToken(MismatchedInputException m) {
    try {
      JsonParser p = (JsonParser) m.getProcessor();
      if (p != null && p.currentToken() != null) {
        return switch (p.currentToken()) {
          case START_OBJECT -> ", got an object";
          case START_ARRAY -> ", got a list";
          case VALUE_NULL -> ", got nothing (null)";
          case VALUE_TRUE, VALUE_FALSE -> ", got " + p.getText();
          case VALUE_STRING -> ", got '" + p.getText() + "'";
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ", got " + p.getText();
          default -> "";
        };
      }
    } catch (java.io.IOException | RuntimeException ignored) {
      // best effort: the message is complete without the value
    }
    return "";
  }

  private static String shown(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  private static String rangeOf(JsonProcessingException e) {
    InputCoercionException c = e instanceof InputCoercionException i ? i : (InputCoercionException) e.getCause();
    Class<?> t = c.getTargetType();
    return t == Long.TYPE || t == Long.class
        ? "[" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]"
        : "[" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]";
  }
}
