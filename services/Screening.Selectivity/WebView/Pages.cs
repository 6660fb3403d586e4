using System.Globalization;
using System.Net;
using System.Text;
using Screening.Plots;
using Screening.Protos.V1;

namespace Screening.Selectivity.WebView;

/// <summary>The server-rendered pages: a compound's curves and a plate's heat map and QC.</summary>
internal static class Pages
{
    public static string Compound(GetCompoundResponse compound)
    {
        var html = new StringBuilder();
        Open(html, compound.CompoundId);
        html.Append(CultureInfo.InvariantCulture, $"<h1>{H(compound.CompoundId)}</h1>");
        if (compound.Summaries.Count == 0)
        {
            html.Append("<p class=\"note\">Not ranked yet: no curve from a plate that passed QC.</p>");
        }
        else
        {
            html.Append("<table class=\"summary\"><thead><tr><th>assay</th><th>rank</th><th>Ki SERT</th><th>Ki NET</th><th>fold NET/SERT [95 % CI]</th><th>prefers</th></tr></thead><tbody>");
            foreach (var s in compound.Summaries)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{PlotFigures.Assay(s.Assay)}</td><td class=\"num\">{s.Rank}</td><td class=\"num\">{Potency(s.Sert)}</td><td class=\"num\">{Potency(s.Net)}</td><td class=\"num\">{H(Fold(s))}</td><td><span class=\"pref {PlotFigures.Preference(s.Preference)}\">{PlotFigures.Preference(s.Preference)}</span>{(s.AssaysDisagree ? " <span class=\"flag\">binding and uptake disagree</span>" : string.Empty)}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("<figure class=\"plot\">").Append(DoseResponsePlot.Render(compound)).Append("</figure>");
        html.Append("<h2>Curves</h2><table class=\"curves\"><thead><tr><th>plate</th><th>target</th><th>assay</th><th>Z'</th><th>IC50 [95 % CI]</th><th>Hill</th><th>Ki</th><th>class</th><th>status</th><th>flags</th></tr></thead><tbody>");
        foreach (var c in compound.Curves.OrderBy(c => c.Assay).ThenBy(c => c.Target).ThenBy(c => c.PlateId, StringComparer.Ordinal))
        {
            var fit = c.Fit ?? new CurveFit();
            var flags = fit.Flags.Concat(fit.MaskedWells.Select(w => "masked " + w));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-plate=\"{H(c.PlateId)}\"><td><a href=\"/plates/{Uri.EscapeDataString(c.PlateId)}\">{H(c.PlateId)}</a></td><td>{PlotFigures.Target(c.Target)}</td><td>{PlotFigures.Assay(c.Assay)}</td>"
                + $"<td class=\"num{(c.PlateQcPassed ? string.Empty : " failed")}\">{PlotFigures.Fixed(c.PlateZPrime, 2)}{(c.PlateQcPassed ? string.Empty : " (failed QC)")}</td>"
                + $"<td class=\"num\">{H(PlotFigures.NanomolarWithInterval(fit.Ic50))}</td>"
                + $"<td class=\"num\">{(fit.Status == FitStatus.Converged ? PlotFigures.Fixed(fit.HillSlope, 2) : "–")}{(fit.HillModel == HillModel.One ? " (fixed)" : string.Empty)}</td>"
                + $"<td class=\"num\">{H(c.Ki is null ? "–" : PlotFigures.NanomolarWithInterval(c.Ki))}</td><td>{H(fit.CurveClass)}</td><td>{Status(fit.Status)}</td><td>{H(string.Join(", ", flags))}</td></tr>");
        }

        html.Append("</tbody></table>");
        return Close(html);
    }

    public static string Plate(GetPlateResponse plate)
    {
        var html = new StringBuilder();
        Open(html, plate.PlateId);
        var q = plate.Quality ?? new PlateQuality();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Plate {H(plate.PlateId)}</h1>");
        html.Append("<figure class=\"plot\">").Append(PlateHeatMap.Render(plate)).Append("</figure>");
        html.Append("<h2>QC</h2><table class=\"qc\"><tbody>");
        Row(html, "target, assay", $"{PlotFigures.Target(plate.Target)}, {PlotFigures.Assay(plate.Assay)}");
        Row(html, "format", $"{plate.PlateFormat} wells ({plate.WellCount} read)");
        Row(html, "status", plate.Status.ToString().ToLowerInvariant() + (plate.StatusDetail is { Length: > 0 } d ? ": " + d : string.Empty));
        Row(html, "Z'", $"{PlotFigures.Fixed(q.ZPrime, 3)} (threshold {PlotFigures.Fixed(q.ZPrimeThreshold, 2)}: {(q.Passed ? "passed" : "failed")})");
        Row(html, "signal / background", PlotFigures.Fixed(q.SignalToBackground, 2));
        Row(html, "mean total, NSB", $"{PlotFigures.Significant(q.MeanTotalSignal)}, {PlotFigures.Significant(q.MeanNsbSignal)}");
        Row(html, "CV total, NSB", $"{PlotFigures.Fixed(q.TotalCvPercent, 1)} %, {PlotFigures.Fixed(q.NsbCvPercent, 1)} %");
        Row(html, "curves", plate.CurveCount.ToString(CultureInfo.InvariantCulture));
        Row(html, "revision", plate.Revision.ToString(CultureInfo.InvariantCulture));
        html.Append("</tbody></table>");
        return Close(html);
    }

    public static string NotFound(string message)
    {
        var html = new StringBuilder();
        Open(html, "not found");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Not found</h1><p>{H(message)}</p>");
        return Close(html);
    }

    private static void Open(StringBuilder html, string title) =>
        html.Append(CultureInfo.InvariantCulture,
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{H(title)} · screening</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head><body><header><a class=\"home\" href=\"/ranking\">SERT / NET screening</a><nav><a href=\"/ranking\">ranking</a></nav></header><main>");

    private static string Close(StringBuilder html) => html.Append("</main></body></html>").ToString();

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>{H(name)}</th><td>{H(value)}</td></tr>");

    private static string H(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string Potency(TargetPotency? p) =>
        p is null ? "–" : H(PlotFigures.NanomolarWithInterval(p.Ki) + (p.IsIc50 ? " (IC50)" : string.Empty));

    private static string Fold(RankedCompound s) => s.SelectivityFold > 0
        ? PlotFigures.Symbol(s.SelectivityQualifier) + PlotFigures.Significant(s.SelectivityFold)
            + (s.SelectivityCi95Low > 0 && s.SelectivityCi95High > 0 ? $" [{PlotFigures.Significant(s.SelectivityCi95Low)}–{PlotFigures.Significant(s.SelectivityCi95High)}]" : string.Empty)
        : "–";

    private static string Status(FitStatus status) => status switch
    {
        FitStatus.Converged => "converged",
        FitStatus.NotConverged => "not converged",
        FitStatus.TooFewPoints => "too few points",
        FitStatus.InvalidInput => "invalid input",
        FitStatus.Flat => "flat (inactive)",
        _ => "unknown",
    };
}
