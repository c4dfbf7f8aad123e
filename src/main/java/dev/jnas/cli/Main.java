package dev.jnas.cli;

/** Entry point of the jnas launcher. */
public final class Main {
  public static void main(String[] args) {
    System.out.println("jnas");
  }
}
