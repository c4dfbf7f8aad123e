package dev.jnas.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes small images for image-folder tests. */
public final class PngFolders {
  private PngFolders() {}

  /** The pixel value at (x, y). */
  public interface Pixels {
    int at(int x, int y);
  }

  public static BufferedImage gray(int width, int height, Pixels p) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.getRaster().setSample(x, y, 0, p.at(x, y));
      }
    }
    return img;
  }

  /** An RGB image whose red, green and blue values are {@code r}, {@code g}, {@code b} everywhere. */
  public static BufferedImage rgb(int width, int height, int r, int g, int b) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  /** Writes {@code img} in the format its file name's extension names, creating folders. */
  public static Path write(BufferedImage img, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    String name = file.getFileName().toString();
    String format = name.substring(name.lastIndexOf('.') + 1);
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no ImageIO writer for " + format);
    }
    return file;
  }

  /** Overwrites {@code file} with its first half: a truncated, undecodable image. */
  public static Path truncate(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
    return file;
  }
}
