using System.Globalization;
using System.Security;
using System.Text;

namespace Screening.Plots;

/// <summary>A small SVG writer: invariant numbers, escaped text, nothing else.</summary>
internal sealed class Svg
{
    public const string Font = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\"";

    private readonly StringBuilder _text = new();

    public Svg(double width, double height, string cssClass)
    {
        _text.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{cssClass}\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" {Font} font-size=\"12\">");
        _text.Append(CultureInfo.InvariantCulture, $"<rect class=\"background\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>");
    }

    /// <summary>A number as SVG wants it: invariant, at most two decimals.</summary>
    public static string N(double value) => double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    public static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    public Svg Raw(string markup)
    {
        _text.Append(markup);
        return this;
    }

    public Svg Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? extra = null) =>
        Raw($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{Extra(extra)}/>");

    public Svg Rect(double x, double y, double width, double height, string fill, string? extra = null) =>
        Raw($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0, width))}\" height=\"{N(Math.Max(0, height))}\" fill=\"{fill}\"{Extra(extra)}/>");

    public Svg Circle(double cx, double cy, double r, string fill, string? extra = null) =>
        Raw($"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\"{Extra(extra)}/>");

    public Svg Text(double x, double y, string text, string? extra = null) =>
        Raw($"<text x=\"{N(x)}\" y=\"{N(y)}\"{Extra(extra)}>{Escape(text)}</text>");

    public Svg Path(IEnumerable<(double X, double Y)> points, string stroke, double width, string? extra = null)
    {
        var d = new StringBuilder();
        foreach (var (x, y) in points)
        {
            d.Append(d.Length == 0 ? 'M' : 'L').Append(N(x)).Append(',').Append(N(y));
        }

        return d.Length == 0 ? this : Raw($"<path d=\"{d}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{N(width)}\"{Extra(extra)}/>");
    }

    public override string ToString() => _text + "</svg>";

    private static string Extra(string? extra) => extra is null ? string.Empty : " " + extra;
}

/// <summary>A linear map from data to pixels.</summary>
internal readonly record struct Scale(double DataMin, double DataMax, double PixelMin, double PixelMax)
{
    public double this[double value] =>
        PixelMin + ((Math.Clamp(value, DataMin, DataMax) - DataMin) / (DataMax - DataMin) * (PixelMax - PixelMin));

    /// <summary>Round tick values inside the range, at the given step.</summary>
    public IEnumerable<double> Ticks(double step)
    {
        for (var t = Math.Ceiling(DataMin / step) * step; t <= DataMax + (step * 1e-9); t += step)
        {
            yield return Math.Round(t, 6);
        }
    }
}

/// <summary>Colours shared by every plot (colour-blind-safe pairs from ColorBrewer).</summary>
public static class PlotColors
{
    public const string Sert = "#2166ac";
    public const string Net = "#d6604d";
    public const string Neither = "#7f7f7f";
    public const string Grid = "#e6e6e6";
    public const string Axis = "#333333";
}
