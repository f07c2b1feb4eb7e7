package org.ghnas.search;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.ghnas.space.io.AtomicFiles;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The PNG charts of a run, drawn with JFreeChart and written atomically. */
final class Plots {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private Plots() {
    }

    /** A named line: x and y values of equal length; NaN y values are left out. */
    record Line(String name, double[] x, double[] y) {
    }

    /** Best-so-far score against evaluations, one line per method. */
    static void bestSoFar(Path png, String title, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line l : lines) {
            data.addSeries(series(l));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "evaluations", "best-so-far score", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < lines.size(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.getRangeAxis().setAutoRange(true);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        write(png, chart);
    }

    /** A scatter of two objectives: the population and, on top, the Pareto set. */
    static void scatter(Path png, String title, String xLabel, String yLabel, List<Line> groups) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line g : groups) {
            data.addSeries(series(g));
        }
        JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        // JFreeChart draws the last series first by default, which would hide the Pareto set under the population
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        for (int i = 1; i < groups.size(); i++) {
            r.setSeriesShape(i, new Ellipse2D.Double(-5, -5, 10, 10));
        }
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        ((org.jfree.chart.axis.NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((org.jfree.chart.axis.NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        write(png, chart);
    }

    private static XYSeries series(Line l) {
        XYSeries s = new XYSeries(l.name(), false, true);
        for (int i = 0; i < l.x().length; i++) {
            if (Double.isFinite(l.y()[i]) && Double.isFinite(l.x()[i])) {
                s.add(l.x()[i], l.y()[i]);
            }
        }
        return s;
    }

    private static void write(Path png, JFreeChart chart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot render chart", e);
        }
        AtomicFiles.write(png, bytes.toByteArray());
    }
}
