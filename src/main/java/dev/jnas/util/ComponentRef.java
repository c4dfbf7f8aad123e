package dev.jnas.util;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A config section that names a component: a name ({@code nasbench201}), or {@code {name: N,
 * params: {...}}}, or {@code {class: com.acme.C, params: {...}}}; exactly one of name and class.
 *
 * @param name the registered name, or null when a class is given
 * @param className the class, or null when a name is given
 * @param params the parameters, an object (empty when absent)
 */
public record ComponentRef(String name, String className, JsonNode params) {

  /**
   * @param field the section's name in the config, for messages: {@code space}
   * @throws BadInputException naming the field and what is wrong with its form
   */
  public static ComponentRef of(JsonNode n, String field) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      throw ConfigException.invalid(field, "is missing");
    }
    if (n.isTextual()) {
      return new ComponentRef(n.asText(), null, emptyIfAbsent(null));
    }
    if (!n.isObject()) {
      throw ConfigException.invalid(field, "must be a name or an object with 'name' or 'class' (and optional 'params'), got " + n);
    }
    n.fieldNames().forEachRemaining(f -> {
      if (!f.equals("name") && !f.equals("class") && !f.equals("params")) {
        throw ConfigException.unknownField(field + "." + f, java.util.List.of("class", "name", "params"));
      }
    });
    JsonNode name = n.get("name");
    JsonNode cls = n.get("class");
    if ((name == null) == (cls == null)) {
      throw ConfigException.invalid(field, "needs exactly one of 'name' (a registered " + field + ") and 'class' (a Java class)");
    }
    JsonNode given = name != null ? name : cls;
    if (!given.isTextual() || given.asText().isBlank()) {
      throw ConfigException.invalid(field + "." + (name != null ? "name" : "class"), "must be a non-empty string, got " + given);
    }
    JsonNode params = n.get("params");
    if (params != null && !params.isNull() && !params.isObject()) {
      throw ConfigException.invalid(field + ".params", "must be an object of name: value, got " + params);
    }
    return new ComponentRef(name == null ? null : name.asText(), cls == null ? null : cls.asText(), emptyIfAbsent(params));
  }

  /** {@code params}, or an empty object when it is null, JSON null or missing. */
  public static JsonNode emptyIfAbsent(JsonNode params) {
    return params == null || params.isNull() || params.isMissingNode() ? Json.MAPPER.createObjectNode() : params;
  }
}
