using System.Globalization;

namespace Screening.Analysis.Curves;

/// <summary>
/// The NCGC/NCATS qHTS curve class (Inglese et al., PNAS 2006, 103:11473), made operational as
/// below (docs/analysis.md, "Curve class"). Efficacy is in % of the control window (100 for
/// percent-normalized data); "span" is |Top - Bottom| of the fitted curve, "effect" its largest
/// departure from the low-dose plateau inside the tested range.
/// <list type="number">
/// <item>4 (inactive): no fit (flat, failed) or effect &lt; 20 %.</item>
/// <item>3 (activity only at the ends): the potency is qualified (IC50 outside the tested range).</item>
/// <item>1 (complete): IC50 inside the range, at least 2 points on each asymptote (fitted curve within
/// 20 % of the span of that plateau), r^2 &gt;= 0.9; 1.1 when span &gt;= 80 %, else 1.2.</item>
/// <item>2 (incomplete): IC50 inside the range otherwise; 2.1 when span &gt;= 80 % and r^2 &gt;= 0.9, else 2.2.</item>
/// </list>
/// Sign: NCGC writes inhibition with a minus sign (-1.1). Our assays measure inhibition, so inhibition
/// classes are reported unsigned ("1.1"); a rising curve (apparent activation) gets the minus sign ("-1.1").
/// </summary>
public static class NcgcCurveClass
{
    public const double FullEfficacyPercent = 80;
    public const double InactiveBelowPercent = 20;
    public const double MinRSquared = 0.9;
    public const int MinPointsPerAsymptote = 2;

    /// <summary>A point is on an asymptote when the fitted curve is within this fraction of the span of it.</summary>
    public const double AsymptoteBand = 0.2;

    public static string Classify(CurveFitResult fit, ReadOnlySpan<double> logMolar, double controlWindow = 100)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Status is not (FitStatus.Converged or FitStatus.NotConverged) || !(controlWindow > 0))
        {
            return "4";
        }

        LogisticParameters e = fit.Estimates;
        double span = Math.Abs(e.Top - e.Bottom);
        bool falling = (e.Top - e.Bottom) * e.HillSlope < 0;
        double lowDosePlateau = e.HillSlope < 0 ? e.Top : e.Bottom;
        double effect = Math.Max(
            Math.Abs(e.ResponseAt(fit.MinLogMolar) - lowDosePlateau),
            Math.Abs(e.ResponseAt(fit.MaxLogMolar) - lowDosePlateau));
        string sign = falling ? string.Empty : "-";
        if (!double.IsFinite(effect) || 100 * effect / controlWindow < InactiveBelowPercent)
        {
            return "4";
        }

        if (fit.IC50.Qualifier != Qualifier.Equal)
        {
            return sign + "3";
        }

        // Fraction of the way from the low-dose to the high-dose plateau at each tested point.
        int onLowDose = 0;
        int onHighDose = 0;
        double signedSpan = (e.HillSlope < 0 ? e.Bottom : e.Top) - lowDosePlateau;
        foreach (double x in logMolar)
        {
            double progress = (e.ResponseAt(x) - lowDosePlateau) / signedSpan;
            if (progress <= AsymptoteBand)
            {
                onLowDose++;
            }
            else if (progress >= 1 - AsymptoteBand)
            {
                onHighDose++;
            }
        }

        double efficacy = 100 * span / controlWindow;
        bool goodFit = fit.RSquared >= MinRSquared;
        string subclass = efficacy >= FullEfficacyPercent && goodFit ? ".1" : ".2";
        bool complete = onLowDose >= MinPointsPerAsymptote && onHighDose >= MinPointsPerAsymptote && goodFit;

        return string.Create(CultureInfo.InvariantCulture, $"{sign}{(complete ? 1 : 2)}{subclass}");
    }
}
