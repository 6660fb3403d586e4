using Screening.Analysis.Plates;
using Screening.Protos.V1;

namespace Screening.Plots;

/// <summary>
/// pKi at SERT against pKi at NET, one point per compound, with iso-selectivity diagonals at
/// 1, 10, 100 and 1,000-fold either way (fold = Ki(NET)/Ki(SERT) = 10^(pKi SERT − pKi NET)),
/// points coloured by the preference call and the reference compounds labelled.
/// </summary>
public static class SelectivityMapPlot
{
    private const double Size = 560;
    private const double Left = 64;
    private const double Right = 170;
    private const double Top = 62;
    private const double Bottom = 52;

    /// <summary>The folds drawn as diagonals.</summary>
    public static IReadOnlyList<double> Folds { get; } = [1, 10, 100, 1000];

    /// <summary>Names labelled on the map: the reference panel.</summary>
    public static IReadOnlySet<string> ReferenceNames { get; } =
        ReferencePanel.Default.Select(c => c.CompoundId).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static string Render(IEnumerable<RankedCompound> compounds, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(compounds);
        var all = compounds.ToArray();
        var plotted = all.Where(c => Pki(c.Sert) is not null && Pki(c.Net) is not null).ToArray();
        var values = plotted.SelectMany(c => new[] { Pki(c.Sert)!.Value, Pki(c.Net)!.Value }).ToArray();
        var min = values.Length == 0 ? 4 : Math.Floor(values.Min() - 0.3);
        var max = values.Length == 0 ? 10 : Math.Ceiling(values.Max() + 0.3);
        var x = new Scale(min, max, Left, Size - Right + Left);
        var y = new Scale(min, max, Size - Bottom, Top);
        var svg = new Svg(Size + Left, Size + 10, "selectivity-map");

        var assay = plotted.Select(c => c.Assay).FirstOrDefault();
        svg.Text(Left, 22, title ?? $"Selectivity map — {PlotFigures.Assay(assay)} ({plotted.Length} compounds)", "font-size=\"15\" font-weight=\"600\"");
        svg.Text(Left, 38, "pKi SERT vs pKi NET; diagonals: equal Ki and 10, 100, 1000-fold"
            + (all.Length > plotted.Length ? $"; {all.Length - plotted.Length} without a potency not shown" : string.Empty), "class=\"subtitle\" fill=\"#555\"");

        foreach (var t in x.Ticks(1))
        {
            svg.Line(x[t], y[min], x[t], y[max], PlotColors.Grid);
            svg.Text(x[t], y[min] + 16, Svg.N(t), "text-anchor=\"middle\"");
            svg.Line(x[min], y[t], x[max], y[t], PlotColors.Grid);
            svg.Text(x[min] - 6, y[t] + 4, Svg.N(t), "text-anchor=\"end\"");
        }

        svg.Raw($"<clipPath id=\"map-area\"><rect x=\"{Svg.N(x[min])}\" y=\"{Svg.N(y[max])}\" width=\"{Svg.N(x[max] - x[min])}\" height=\"{Svg.N(y[min] - y[max])}\"/></clipPath>");
        foreach (var fold in Folds)
        {
            foreach (var sign in fold == 1 ? new[] { 0 } : [1, -1])
            {
                // pKi NET = pKi SERT - log10(fold) below the identity (SERT-selective), + above.
                var shift = sign * Math.Log10(fold);
                var label = $"{Svg.N(fold)}×";
                var width = fold == 1 ? 1.6 : 1;
                svg.Raw($"<g class=\"diagonal\" data-fold=\"{Svg.N(fold)}\" data-prefers=\"{(sign > 0 ? "SERT" : sign < 0 ? "NET" : "none")}\" clip-path=\"url(#map-area)\">");
                svg.Line(x[min], Unclamped(y, min - shift), x[max], Unclamped(y, max - shift), "#9e9e9e", width, fold == 1 ? null : "stroke-dasharray=\"5 4\"");
                svg.Raw("</g>");

                // Label at the right edge or at the top, wherever the line leaves the square.
                var lx = max;
                var ly = max - shift;
                if (ly > max)
                {
                    ly = max;
                    lx = max + shift;
                }

                if (lx >= min && ly >= min)
                {
                    svg.Text(x[lx] + 3, y[ly] - 3, label, "class=\"diagonal-label\" font-size=\"10\" fill=\"#757575\"");
                }
            }
        }

        svg.Rect(x[min], y[max], x[max] - x[min], y[min] - y[max], "none", $"stroke=\"{PlotColors.Axis}\"");
        svg.Text(x[min] + 8, y[max] + 16, "↖ NET-selective", $"class=\"region\" fill=\"{PlotColors.Net}\" font-size=\"11\"");
        svg.Text(x[max] - 8, y[min] - 8, "SERT-selective ↘", $"class=\"region\" text-anchor=\"end\" fill=\"{PlotColors.Sert}\" font-size=\"11\"");
        svg.Text(x[(min + max) / 2], Size - 14, "pKi SERT  (−log10 Ki/M)", "text-anchor=\"middle\"");
        svg.Text(18, y[(min + max) / 2], "pKi NET", $"text-anchor=\"middle\" transform=\"rotate(-90 18 {Svg.N(y[(min + max) / 2])})\"");

        var placed = new List<(double X, double Y, double W, double H)>();
        foreach (var c in plotted.OrderBy(c => ReferenceNames.Contains(c.CompoundId)))
        {
            var color = c.Preference switch
            {
                Preference.Sert => PlotColors.Sert,
                Preference.Net => PlotColors.Net,
                _ => PlotColors.Neither,
            };
            var bound = c.Sert.Ki?.Qualifier is Qualifier.Greater or Qualifier.Less || c.Net.Ki?.Qualifier is Qualifier.Greater or Qualifier.Less;
            var sert = Pki(c.Sert)!.Value;
            var net = Pki(c.Net)!.Value;
            var px = x[sert];
            var py = y[net];
            var fill = bound ? "#ffffff" : color;
            svg.Raw($"<circle class=\"compound{(bound ? " bound" : string.Empty)}\" data-compound=\"{Svg.Escape(c.CompoundId)}\" data-preference=\"{PlotFigures.Preference(c.Preference)}\" cx=\"{Svg.N(px)}\" cy=\"{Svg.N(py)}\" r=\"4.5\" fill=\"{fill}\" fill-opacity=\"0.85\" stroke=\"{color}\" stroke-width=\"1.5\">"
                + $"<title>{Svg.Escape(c.CompoundId)}: pKi SERT {PlotFigures.Fixed(sert, 2)}, NET {PlotFigures.Fixed(net, 2)}, fold {PlotFigures.Significant(c.SelectivityFold)}</title></circle>");
            if (ReferenceNames.Contains(c.CompoundId))
            {
                var (lx, ly, anchor) = PlaceLabel(placed, px, py, c.CompoundId.Length * 6.3);
                svg.Text(lx, ly, c.CompoundId, $"class=\"reference-label\" text-anchor=\"{anchor}\" font-size=\"10.5\" fill=\"{PlotColors.Axis}\"");
            }
        }

        // Legend.
        var legendX = x[max] + 24;
        var entries = new[] { ("prefers SERT", PlotColors.Sert, false), ("prefers NET", PlotColors.Net, false), ("neither (CI spans 1)", PlotColors.Neither, false), ("censored (a bound)", PlotColors.Neither, true) };
        var legendY = y[min] - 70;
        foreach (var (label, color, open) in entries)
        {
            svg.Circle(legendX, legendY, 4.5, open ? "#ffffff" : color, $"stroke=\"{color}\" stroke-width=\"1.5\"");
            svg.Text(legendX + 10, legendY + 4, label, "class=\"legend-entry\"");
            legendY += 18;
        }

        return svg.ToString();
    }

    /// <summary>The first of eight spots around the point whose label box overlaps no label placed before.</summary>
    private static (double X, double Y, string Anchor) PlaceLabel(List<(double X, double Y, double W, double H)> placed, double px, double py, double width)
    {
        const double Height = 11;
        (double Dx, double Dy, bool Left)[] spots = [(6, -5, false), (6, 12, false), (-6, -5, true), (-6, 12, true), (6, -16, false), (6, 23, false), (-6, -16, true), (-6, 23, true)];
        foreach (var (dx, dy, left) in spots)
        {
            var box = (X: left ? px + dx - width : px + dx, Y: py + dy - Height + 2, W: width, H: Height);
            if (!placed.Any(b => b.X < box.X + box.W && box.X < b.X + b.W && b.Y < box.Y + box.H && box.Y < b.Y + b.H))
            {
                placed.Add(box);
                return (px + dx, py + dy, left ? "end" : "start");
            }
        }

        placed.Add((px + 6, py - 14, width, Height));
        return (px + 6, py - 5, "start");
    }

    /// <summary>−log10(Ki/M) of the geometric-mean Ki (a bound for a censored side); null when there is none.</summary>
    public static double? Pki(TargetPotency? potency) =>
        potency?.Ki is { ValueNm: > 0 } ki ? 9 - Math.Log10(ki.ValueNm)
        : potency is { MeanPki: > 0 } ? potency.MeanPki
        : null;

    private static double Unclamped(Scale scale, double value) =>
        scale.PixelMin + ((value - scale.DataMin) / (scale.DataMax - scale.DataMin) * (scale.PixelMax - scale.PixelMin));
}
