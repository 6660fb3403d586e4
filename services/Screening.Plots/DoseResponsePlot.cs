using Screening.Protos.V1;

namespace Screening.Plots;

/// <summary>
/// A compound's concentration-response curves: one panel per assay type, SERT and NET on the
/// same log-concentration axis, every plate's points (masked outliers as open crosses), the
/// fitted four-parameter logistic, and each IC50 with its 95 % interval as a band.
/// </summary>
public static class DoseResponsePlot
{
    private const double PanelWidth = 500;
    private const double PanelHeight = 330;
    private const double Left = 64;
    private const double Right = 18;
    private const double Top = 44;
    private const double Bottom = 48;
    private const double LegendLine = 17;

    public static string Render(GetCompoundResponse compound)
    {
        ArgumentNullException.ThrowIfNull(compound);
        var assays = compound.Curves.Select(c => c.Assay).Where(a => a != AssayType.Unspecified).Distinct().Order().ToArray();
        if (assays.Length == 0)
        {
            assays = [AssayType.Binding];
        }

        var legendRows = assays.Max(a => compound.Curves.Count(c => c.Assay == a));
        var height = PanelHeight + 16 + (legendRows * LegendLine) + 12;
        var svg = new Svg(PanelWidth * assays.Length, height, "dose-response");
        for (var i = 0; i < assays.Length; i++)
        {
            var curves = compound.Curves.Where(c => c.Assay == assays[i])
                .OrderBy(c => c.Target).ThenBy(c => c.PlateId, StringComparer.Ordinal).ToArray();
            Panel(svg, compound.CompoundId, assays[i], curves, i * PanelWidth);
        }

        return svg.ToString();
    }

    /// <summary>Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)) (Prism's log(inhibitor) vs. response, variable slope).</summary>
    public static double Logistic(CurveFit fit, double logMolar)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit.Bottom + ((fit.Top - fit.Bottom) / (1 + Math.Pow(10, (fit.LogIc50 - logMolar) * fit.HillSlope)));
    }

    private static void Panel(Svg svg, string compoundId, AssayType assay, CompoundCurve[] curves, double offset)
    {
        var (xMin, xMax) = XRange(curves);
        var ys = curves.SelectMany(c => c.Fit?.Response ?? []).Where(double.IsFinite).ToArray();
        var yMin = Math.Min(-20, ys.Length > 0 ? Math.Floor((ys.Min() - 5) / 20) * 20 : -20);
        var yMax = Math.Max(120, ys.Length > 0 ? Math.Ceiling((ys.Max() + 5) / 20) * 20 : 120);
        var x = new Scale(xMin, xMax, offset + Left, offset + PanelWidth - Right);
        var y = new Scale(yMin, yMax, PanelHeight - Bottom, Top);

        svg.Raw($"<g class=\"panel\" data-assay=\"{PlotFigures.Assay(assay)}\">");
        svg.Text(offset + Left, 20, $"{compoundId} — {PlotFigures.Assay(assay)}", "font-size=\"15\" font-weight=\"600\"");
        svg.Text(offset + Left, 36, "% specific " + (assay == AssayType.Uptake ? "uptake" : "binding") + " vs log10 [compound] (M)", "fill=\"#555\"");

        // Grid, axes and ticks.
        foreach (var t in x.Ticks(1))
        {
            svg.Line(x[t], y[yMin], x[t], y[yMax], PlotColors.Grid);
            svg.Text(x[t], y[yMin] + 16, Svg.N(t), "text-anchor=\"middle\"");
        }

        foreach (var t in y.Ticks(20))
        {
            svg.Line(x[xMin], y[t], x[xMax], y[t], t == 0 || t == 100 ? "#bdbdbd" : PlotColors.Grid, 1, t == 0 || t == 100 ? "stroke-dasharray=\"4 3\"" : null);
            svg.Text(x[xMin] - 6, y[t] + 4, Svg.N(t), "text-anchor=\"end\"");
        }

        svg.Rect(x[xMin], y[yMax], x[xMax] - x[xMin], y[yMin] - y[yMax], "none", $"stroke=\"{PlotColors.Axis}\"");
        svg.Text(x[(xMin + xMax) / 2], PanelHeight - 12, "log10 concentration (M)", "text-anchor=\"middle\"");
        svg.Text(offset + 16, y[(yMin + yMax) / 2], "% specific", $"text-anchor=\"middle\" transform=\"rotate(-90 {Svg.N(offset + 16)} {Svg.N(y[(yMin + yMax) / 2])})\"");

        // The IC50 intervals first, so curves and points stay on top.
        foreach (var c in curves)
        {
            var fit = c.Fit;
            if (fit?.Ic50 is { Qualifier: Qualifier.Equal, Ci95LowNm: > 0, Ci95HighNm: > 0 } ic50)
            {
                var low = Math.Log10(ic50.Ci95LowNm) - 9;
                var high = Math.Log10(ic50.Ci95HighNm) - 9;
                svg.Rect(x[low], y[yMax], x[high] - x[low], y[yMin] - y[yMax], Color(c.Target),
                    $"class=\"ic50-ci\" fill-opacity=\"0.10\" data-target=\"{PlotFigures.Target(c.Target)}\" data-plate=\"{Svg.Escape(c.PlateId)}\"");
            }
        }

        var dash = 0;
        foreach (var c in curves)
        {
            var fit = c.Fit ?? new CurveFit();
            var color = Color(c.Target);
            var attributes = $"data-target=\"{PlotFigures.Target(c.Target)}\" data-plate=\"{Svg.Escape(c.PlateId)}\"";
            if (fit.Status is FitStatus.Converged or FitStatus.NotConverged)
            {
                const int Steps = 160;
                var line = Enumerable.Range(0, Steps + 1)
                    .Select(i => xMin + ((xMax - xMin) * i / Steps))
                    .Select(lx => (x[lx], y[Logistic(fit, lx)]));
                svg.Path(line, color, 2, $"class=\"curve\" {attributes}" + (dash++ % 2 == 1 ? " stroke-dasharray=\"7 3\"" : string.Empty));
            }
            else
            {
                svg.Raw($"<g class=\"curve-none\" {attributes}/>");
            }

            if (fit.Ic50 is { Qualifier: Qualifier.Equal, ValueNm: > 0 } ic50)
            {
                var at = Math.Log10(ic50.ValueNm) - 9;
                var mid = (fit.Bottom + fit.Top) / 2;
                svg.Line(x[at], y[mid], x[at], y[yMin], color, 1, $"class=\"ic50\" stroke-dasharray=\"2 2\" {attributes}");
                svg.Raw($"<path class=\"ic50-marker\" d=\"M{Svg.N(x[at])},{Svg.N(y[mid] - 6)}L{Svg.N(x[at] + 6)},{Svg.N(y[mid])}L{Svg.N(x[at])},{Svg.N(y[mid] + 6)}L{Svg.N(x[at] - 6)},{Svg.N(y[mid])}Z\" fill=\"#fff\" stroke=\"{color}\" stroke-width=\"2\"/>");
            }

            for (var i = 0; i < fit.LogMolar.Count && i < fit.Response.Count; i++)
            {
                var px = x[fit.LogMolar[i]];
                var py = y[fit.Response[i]];
                var masked = i < fit.Masked.Count && fit.Masked[i];
                if (masked)
                {
                    // An open cross: clearly a point, clearly not part of the fit.
                    svg.Raw($"<path class=\"point masked\" {attributes} d=\"M{Svg.N(px - 5)},{Svg.N(py - 5)}L{Svg.N(px + 5)},{Svg.N(py + 5)}M{Svg.N(px - 5)},{Svg.N(py + 5)}L{Svg.N(px + 5)},{Svg.N(py - 5)}\" stroke=\"{color}\" stroke-width=\"2\" fill=\"none\"><title>masked outlier</title></path>");
                }
                else
                {
                    svg.Circle(px, py, 3.2, color, $"class=\"point\" fill-opacity=\"0.75\" {attributes}");
                }
            }
        }

        // Legend: one line per curve, with qualifier, interval and curve class.
        var ly = PanelHeight + 10;
        foreach (var c in curves)
        {
            var fit = c.Fit ?? new CurveFit();
            var masked = fit.Masked.Count(m => m);
            var text = $"{PlotFigures.Target(c.Target)} · {c.PlateId} · IC50 {PlotFigures.NanomolarWithInterval(fit.Ic50)} · class {(fit.CurveClass is { Length: > 0 } cc ? cc : "?")}"
                + (masked > 0 ? $" · {masked} masked" : string.Empty)
                + (c.PlateQcPassed ? string.Empty : " · failed QC");
            svg.Raw($"<g class=\"legend-entry\" data-target=\"{PlotFigures.Target(c.Target)}\" data-plate=\"{Svg.Escape(c.PlateId)}\">");
            svg.Line(offset + Left, ly - 4, offset + Left + 22, ly - 4, Color(c.Target), 2.5);
            svg.Circle(offset + Left + 11, ly - 4, 3.2, Color(c.Target));
            svg.Text(offset + Left + 30, ly, text, "font-size=\"11.5\"");
            svg.Raw("</g>");
            ly += LegendLine;
        }

        svg.Raw("</g>");
    }

    private static (double Min, double Max) XRange(CompoundCurve[] curves)
    {
        var xs = curves.SelectMany(c => c.Fit?.LogMolar ?? []).Where(double.IsFinite).ToList();
        foreach (var c in curves)
        {
            if (c.Fit is { MinTestedNm: > 0, MaxTestedNm: > 0 } f)
            {
                xs.Add(Math.Log10(f.MinTestedNm) - 9);
                xs.Add(Math.Log10(f.MaxTestedNm) - 9);
            }
        }

        return xs.Count == 0 ? (-11, -4) : (Math.Floor(xs.Min() - 0.5), Math.Ceiling(xs.Max() + 0.5));
    }

    private static string Color(Target target) => target == Target.Net ? PlotColors.Net : PlotColors.Sert;
}
