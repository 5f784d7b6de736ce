package io.xaccess.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The time-to-Ready distribution as a PNG, drawn with plain Java 2D (headless): a histogram of the
 * operator's N grants, the floor's N grants beside it, and their cumulative share as lines.
 */
public final class TimeToReadyChart {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;
  private static final int LEFT = 70;
  private static final int RIGHT = 70;
  private static final int TOP = 90;
  private static final int BOTTOM = 70;
  private static final int BINS = 40;
  private static final Color OPERATOR = new Color(0x1f, 0x77, 0xb4);
  private static final Color FLOOR = new Color(0xff, 0x7f, 0x0e);

  private TimeToReadyChart() {}

  /**
   * @param operator the operator's per-grant times to Ready, ms
   * @param floor the floor's per-grant times, ms
   * @param title the chart's title
   */
  public static void write(Path file, List<Long> operator, List<Long> floor, String title)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    long max = Math.max(1, Math.max(max(operator), max(floor)));
    double maxSeconds = niceCeiling(max / 1000.0);
    double binSeconds = maxSeconds / BINS;
    int[] opBins = bins(operator, binSeconds);
    int[] floorBins = bins(floor, binSeconds);
    int maxCount = 1;
    for (int i = 0; i < BINS; i++) {
      maxCount = Math.max(maxCount, Math.max(opBins[i], floorBins[i]));
    }
    maxCount = (maxCount + 3) / 4 * 4; // whole numbers on the four grid steps
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    double binW = plotW / (double) BINS;

    g.setColor(new Color(0xe6, 0xe6, 0xe6));
    for (int t = 1; t <= 4; t++) {
      int y = TOP + plotH - plotH * t / 4;
      g.drawLine(LEFT + 1, y, LEFT + plotW - 1, y);
    }
    // Bars: floor behind, operator in front, each half a bin wide.
    for (int i = 0; i < BINS; i++) {
      bar(g, FLOOR, LEFT + i * binW + binW / 2, binW / 2, floorBins[i], maxCount, plotH);
      bar(g, OPERATOR, LEFT + i * binW + 1, binW / 2 - 1, opBins[i], maxCount, plotH);
    }
    // Cumulative share, right axis.
    cdf(g, OPERATOR, operator, maxSeconds, plotW, plotH);
    cdf(g, FLOOR, floor, maxSeconds, plotW, plotH);

    // Axes and labels.
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    g.drawLine(LEFT + plotW, TOP, LEFT + plotW, TOP + plotH);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int t = 0; t <= 10; t++) {
      int x = LEFT + plotW * t / 10;
      g.drawLine(x, TOP + plotH, x, TOP + plotH + 4);
      String label = fmt(maxSeconds * t / 10);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
    }
    for (int t = 0; t <= 4; t++) {
      int y = TOP + plotH - plotH * t / 4;
      String count = "" + maxCount * t / 4;
      g.drawString(count, LEFT - 8 - g.getFontMetrics().stringWidth(count), y + 4);
      g.drawString((25 * t) + "%", LEFT + plotW + 8, y + 4);
    }
    g.drawString("seconds from apply to Ready", LEFT + plotW / 2 - 80, HEIGHT - 25);
    g.drawString("grants per bin", 8, TOP - 12);
    g.drawString("cumulative", LEFT + plotW + 4, TOP - 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, LEFT, 28);

    // Legend.
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    legend(g, OPERATOR, "operator: " + summary(operator), LEFT, 40);
    legend(g, FLOOR, "floor (direct SDK): " + summary(floor), LEFT, 58);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void bar(
      Graphics2D g, Color color, double x, double w, int count, int maxCount, int plotH) {
    if (count == 0) {
      return;
    }
    int h = (int) Math.round(plotH * count / (double) maxCount);
    g.setColor(color);
    g.fillRect((int) Math.round(x), TOP + plotH - h, Math.max(1, (int) Math.round(w)), h);
  }

  private static void cdf(
      Graphics2D g, Color color, List<Long> values, double maxSeconds, int plotW, int plotH) {
    if (values.isEmpty()) {
      return;
    }
    List<Long> sorted = values.stream().sorted().toList();
    g.setColor(color.darker());
    g.setStroke(new BasicStroke(2));
    int px = LEFT;
    int py = TOP + plotH;
    for (int i = 0; i < sorted.size(); i++) {
      int x = LEFT + (int) Math.round(plotW * (sorted.get(i) / 1000.0) / maxSeconds);
      int y = TOP + plotH - (int) Math.round(plotH * (i + 1) / (double) sorted.size());
      g.drawLine(px, py, x, py);
      g.drawLine(x, py, x, y);
      px = x;
      py = y;
    }
  }

  private static void legend(Graphics2D g, Color color, String text, int x, int y) {
    g.setColor(color);
    g.fillRect(x, y, 12, 12);
    g.setColor(Color.DARK_GRAY);
    g.drawString(text, x + 18, y + 11);
  }

  private static String summary(List<Long> values) {
    Distribution d = Distribution.of(values);
    return String.format(
        Locale.ROOT,
        "n=%d  p50 %.1f s  p95 %.1f s  p99 %.1f s",
        d.count(),
        d.p50Ms() / 1000.0,
        d.p95Ms() / 1000.0,
        d.p99Ms() / 1000.0);
  }

  private static int[] bins(List<Long> values, double binSeconds) {
    int[] bins = new int[BINS];
    for (long v : values) {
      int i = (int) Math.min(BINS - 1, Math.floor(v / 1000.0 / binSeconds));
      bins[i]++;
    }
    return bins;
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private static double niceCeiling(double seconds) {
    double[] steps = {1, 2, 5};
    double scale = 1;
    while (true) {
      for (double s : steps) {
        if (s * scale >= seconds) {
          return s * scale;
        }
      }
      scale *= 10;
    }
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds)
        ? "" + (long) seconds
        : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
