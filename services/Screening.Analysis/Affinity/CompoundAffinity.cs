using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Analysis.Affinity;

/// <summary>The fit of one compound on one plate, with IC50, Ki (when the plate allows) and flags.</summary>
public sealed record CompoundAffinity(
    string CompoundId,
    CurveFitResult Fit,
    Potency IC50,
    Potency? Ki,
    IReadOnlyList<string> Flags);

/// <summary>
/// The default policy for a curve normalized to its plate's controls (percent specific
/// binding or uptake, 100 = total, 0 = nsb):
/// <list type="number">
/// <item>Fit the free four-parameter logistic.</item>
/// <item>A plateau is "defined" when the data reach into it: the lowest tested log
/// concentration lies at least log10(9)/|Hill| below LogIC50 (the curve is above 90 % of its
/// span there) for Top, and the highest that far above for Bottom.</item>
/// <item>An undefined plateau is fixed at its control value (Top = 100, Bottom = 0) and the
/// curve refitted, so a partial curve cannot invent a plateau to place its IC50.</item>
/// </list>
/// Then Cheng-Prusoff turns IC50 into Ki when the plate carries [L] and Kd (or [S] and Km).
/// </summary>
public static class CompoundAffinityAnalysis
{
    public const double ControlTop = 100;
    public const double ControlBottom = 0;

    /// <summary>Outside this Hill slope range the competitive model behind Cheng-Prusoff is doubtful.</summary>
    public const double MinUnityHill = 0.5;
    public const double MaxUnityHill = 2.0;

    private static readonly double PlateauReach = Math.Log10(9);

    public static CompoundAffinity Analyze(CompoundCurve curve, double? ligandNm, double? kdNm)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var flags = new List<string>(4);
        var fit = DoseResponseFitter.Fit(curve.LogMolar, curve.PercentSpecific, FitOptions.Default);
        if (fit.Status is FitStatus.Converged or FitStatus.NotConverged)
        {
            var (topDefined, bottomDefined) = PlateausDefined(fit);
            if (!topDefined || !bottomDefined)
            {
                var constrained = DoseResponseFitter.Fit(curve.LogMolar, curve.PercentSpecific, FitOptions.Default with
                {
                    FixedTop = topDefined ? null : ControlTop,
                    FixedBottom = bottomDefined ? null : ControlBottom,
                });
                if (constrained.Status is FitStatus.Converged or FitStatus.NotConverged)
                {
                    fit = constrained;
                    if (!topDefined)
                    {
                        flags.Add("top_fixed");
                    }

                    if (!bottomDefined)
                    {
                        flags.Add("bottom_fixed");
                    }
                }
            }
        }

        if (fit.Status == FitStatus.NotConverged)
        {
            flags.Add("not_converged");
        }

        var hill = Math.Abs(fit.Estimates.HillSlope);
        if (fit.IC50.Qualifier == Qualifier.Equal && (hill < MinUnityHill || hill > MaxUnityHill))
        {
            flags.Add("hill_far_from_unity");
        }

        Potency? ki = ligandNm is { } l && kdNm is { } kd ? ChengPrusoff.ToKi(fit.IC50, l, kd) : null;
        return new CompoundAffinity(curve.CompoundId, fit, fit.IC50, ki, flags);
    }

    private static (bool Top, bool Bottom) PlateausDefined(CurveFitResult fit)
    {
        var hill = Math.Abs(fit.Estimates.HillSlope);
        if (!double.IsFinite(hill) || hill < 1e-6)
        {
            return (false, false);
        }

        var reach = PlateauReach / hill;
        var logIC50 = fit.Estimates.LogIC50;
        var lowSide = fit.MinLogMolar <= logIC50 - reach;
        var highSide = fit.MaxLogMolar >= logIC50 + reach;

        // With a negative (inhibitory) slope Top is approached at low concentrations.
        return fit.Estimates.HillSlope < 0 ? (lowSide, highSide) : (highSide, lowSide);
    }
}
