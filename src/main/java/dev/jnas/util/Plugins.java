package dev.jnas.util;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Loads and constructs a user's class named in a config ({@code class: com.acme.MySpace}). Every
 * failure is a {@link BadInputException} that names the role, the class and the problem: not on
 * the class path, not public, abstract, no usable constructor, or a constructor that threw.
 */
public final class Plugins {
  private Plugins() {}

  /**
   * @param role what the class is for, e.g. {@code search space}
   * @throws BadInputException when the class cannot be loaded or is not a public concrete class
   */
  public static Class<?> load(String role, String className) {
    if (className == null || className.isBlank()) {
      throw new BadInputException(role + ": 'class' must name a class, e.g. com.acme.MySpace");
    }
    Class<?> c;
    try {
      c = forName(className.trim());
    } catch (ClassNotFoundException e) {
      throw new BadInputException(role + " class '" + className + "' is not on the class path", e);
    } catch (LinkageError e) {
      // a static initializer that threw, or a dependency of the class that is missing
      throw new BadInputException(role + " class '" + className + "' cannot be loaded: " + describe(e), e);
    }
    if (!Modifier.isPublic(c.getModifiers())) {
      throw new BadInputException(role + " class '" + className + "' is not public");
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      throw new BadInputException(role + " class '" + className + "' is abstract; name a concrete class");
    }
    return c;
  }

  /** Loads {@code name}; a nested class may be written with dots, as in Java source. */
  private static Class<?> forName(String name) throws ClassNotFoundException {
    try {
      return Class.forName(name, true, loader());
    } catch (ClassNotFoundException e) {
      int dot = name.lastIndexOf('.');
      if (dot > 0 && Character.isUpperCase(name.charAt(name.lastIndexOf('.', dot - 1) + 1))) {
        try {
          return forName(name.substring(0, dot) + "$" + name.substring(dot + 1));
        } catch (ClassNotFoundException ignored) {
          // report the name as written
        }
      }
      throw e;
    }
  }

  /** The public constructor of {@code c} whose parameters accept arguments of these classes. */
  public static Optional<Constructor<?>> constructor(Class<?> c, Class<?>... args) {
    for (Constructor<?> k : c.getConstructors()) {
      Class<?>[] p = k.getParameterTypes();
      if (p.length != args.length) {
        continue;
      }
      boolean fits = true;
      for (int i = 0; i < p.length && fits; i++) {
        fits = p[i].isAssignableFrom(args[i]);
      }
      if (fits) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * Calls {@code k}; a {@link BadInputException} it throws keeps its message (prefixed with the
   * class), any other exception is reported as the constructor's failure.
   */
  public static <T> T construct(String role, Constructor<?> k, Class<T> type, Object... args) {
    String name = k.getDeclaringClass().getName();
    try {
      return type.cast(k.newInstance(args));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BadInputException b) {
        throw new BadInputException(role + " class '" + name + "': " + b.getMessage(), b);
      }
      throw new BadInputException(role + " class '" + name + "': its constructor failed: " + describe(cause), cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new BadInputException(role + " class '" + name + "' cannot be constructed: " + describe(e), e);
    }
  }

  private static String describe(Throwable t) {
    Throwable root = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : Plugins.class.getClassLoader();
  }
}
