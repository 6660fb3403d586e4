using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Analysis.Affinity;

/// <summary>Which Hill-slope model the extra-sum-of-squares F test chose.</summary>
public enum ModelChoice
{
    /// <summary>The four-parameter logistic with a free Hill slope.</summary>
    FreeHill = 1,

    /// <summary>Hill slope fixed at -1 (descending) or +1 (rising): the simpler model was not rejected.</summary>
    HillOne = 2,
}

/// <summary>
/// The fit of one compound on one plate, with IC50, Ki (when the plate allows) and flags.
/// <see cref="Fit"/> is the chosen model fitted to the points that were not masked as outliers.
/// </summary>
public sealed record CompoundAffinity(
    string CompoundId,
    CurveFitResult Fit,
    Potency IC50,
    Potency? Ki,
    IReadOnlyList<string> Flags)
{
    /// <summary>The Hill model reported in <see cref="Fit"/>.</summary>
    public ModelChoice ModelChoice { get; init; } = ModelChoice.FreeHill;

    /// <summary>F = ((SSE_1 - SSE_free)/1) / (SSE_free/df_free) of Hill = ±1 against free Hill; NaN when not compared.</summary>
    public double HillFStatistic { get; init; } = double.NaN;

    /// <summary>P(F(1, df_free) &gt; <see cref="HillFStatistic"/>); free Hill wins when below 0.05.</summary>
    public double HillPValue { get; init; } = double.NaN;

    /// <summary>NCGC curve class ("1.1", "1.2", "2.1", "2.2", "3", "4"; see <see cref="NcgcCurveClass"/>).</summary>
    public string CurveClass { get; init; } = "4";

    /// <summary>Indices into the curve's arrays of the points masked by the ROUT test (ascending).</summary>
    public IReadOnlyList<int> MaskedPoints { get; init; } = [];

    /// <summary>The wells of <see cref="MaskedPoints"/>, in the same order.</summary>
    public IReadOnlyList<string> MaskedWells { get; init; } = [];

    /// <summary>The robust standard deviation of residuals of the ROUT fit (NaN when not scanned).</summary>
    public double RobustStandardDeviation { get; init; } = double.NaN;
}

/// <summary>
/// The default policy for a curve normalized to its plate's controls (percent specific
/// binding or uptake, 100 = total, 0 = nsb); docs/analysis.md states it in full:
/// <list type="number">
/// <item>Plateau policy: fit the free four-parameter logistic. A plateau is "defined" when the data
/// reach into it: the lowest tested log concentration lies at least log10(9)/|Hill| below LogIC50
/// (the curve is above 90 % of its span there) for Top, and the highest that far above for Bottom.
/// An undefined plateau is fixed at its control value (Top = 100, Bottom = 0) and the curve refitted,
/// so a partial curve cannot invent a plateau to place its IC50.</item>
/// <item>Outliers: ROUT (<see cref="RobustOutlierTest"/>, Q = 1 %) on that fit; masked points are
/// reported (<see cref="CompoundAffinity.MaskedWells"/>) and the plateau policy is rerun without them.</item>
/// <item>Hill model: the Hill = ±1 model (sign of the free fit's slope) under the same fixed plateaus,
/// against the free Hill, by the extra-sum-of-squares F test at alpha = 0.05; the simpler wins unless rejected.</item>
/// <item>Flags, curve class, and Cheng-Prusoff Ki when the plate carries [L] and Kd (or [S] and Km).</item>
/// </list>
/// </summary>
public static class CompoundAffinityAnalysis
{
    public const double ControlTop = 100;
    public const double ControlBottom = 0;

    /// <summary>Outside this Hill slope range the competitive model behind Cheng-Prusoff is doubtful.</summary>
    public const double MinUnityHill = 0.5;
    public const double MaxUnityHill = 2.0;

    /// <summary>A free Hill slope outside [0.5, 2.5] makes the fit ambiguous ("hill_outside_0.5_2.5").</summary>
    public const double MinPlausibleHill = 0.5;
    public const double MaxPlausibleHill = 2.5;

    /// <summary>Significance of the extra-sum-of-squares F test that prefers the free Hill slope.</summary>
    public const double HillTestAlpha = 0.05;

    private static readonly double PlateauReach = Math.Log10(9);

    public static CompoundAffinity Analyze(CompoundCurve curve, double? ligandNm, double? kdNm) =>
        Analyze(curve, ligandNm, kdNm, null);

    /// <summary>
    /// As <see cref="Analyze(CompoundCurve, double?, double?)"/>, with the plate's noise model
    /// (<see cref="NoiseOf"/>) so the outlier test judges each residual against the noise expected at
    /// its level. The least-squares fits stay unweighted.
    /// </summary>
    public static CompoundAffinity Analyze(CompoundCurve curve, double? ligandNm, double? kdNm, ResponseNoise? noise)
    {
        ArgumentNullException.ThrowIfNull(curve);
        double[] x = curve.LogMolar;
        double[] y = curve.PercentSpecific;

        var first = PlateauPolicy(x, y);
        OutlierScan scan = OutlierScan.None;
        if (IsFitted(first.Fit))
        {
            scan = RobustOutlierTest.Scan(x, y, first.Options, first.Fit.Estimates, RobustOutlierTest.DefaultQ, noise);
        }
        else if (first.Fit.Status == FitStatus.Flat)
        {
            scan = RobustOutlierTest.ScanFlat(y);
        }

        var (keptX, keptY) = (x, y);
        var policy = first;
        if (scan.Outliers.Count > 0)
        {
            (keptX, keptY) = WithoutPoints(x, y, scan.Outliers);
            policy = PlateauPolicy(keptX, keptY);
        }

        CurveFitResult fit = policy.Fit;
        var choice = ModelChoice.FreeHill;
        double f = double.NaN;
        double p = double.NaN;
        if (IsFitted(fit) && double.IsFinite(fit.Estimates.HillSlope))
        {
            var hillOne = DoseResponseFitter.Fit(keptX, keptY, policy.Options with
            {
                FixedHillSlope = fit.Estimates.HillSlope > 0 ? 1 : -1,
            });
            if (IsFitted(hillOne))
            {
                (f, p) = ExtraSumOfSquares(hillOne, fit);
                if (!(p < HillTestAlpha))
                {
                    fit = hillOne;
                    choice = ModelChoice.HillOne;
                }
            }
        }

        var flags = new List<string>(8);
        if (policy.TopFixed)
        {
            flags.Add("top_fixed");
        }

        if (policy.BottomFixed)
        {
            flags.Add("bottom_fixed");
        }

        if (policy.TopFixed && policy.BottomFixed)
        {
            flags.Add("plateaus_undefined");
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

        if (choice == ModelChoice.FreeHill && IsFitted(fit) && (hill < MinPlausibleHill || hill > MaxPlausibleHill))
        {
            flags.Add("hill_outside_0.5_2.5");
        }

        if (IsCiWiderThanTestedRange(fit))
        {
            flags.Add("ci_wider_than_tested_range");
        }

        if (scan.Outliers.Count > 0)
        {
            flags.Add("outliers_masked");
        }

        var maskedWells = new string[scan.Outliers.Count];
        for (int i = 0; i < maskedWells.Length; i++)
        {
            int index = scan.Outliers[i];
            maskedWells[i] = index < curve.Wells.Length ? curve.Wells[index] : string.Empty;
        }

        Potency? ki = ligandNm is { } l && kdNm is { } kd ? ChengPrusoff.ToKi(fit.IC50, l, kd) : null;
        return new CompoundAffinity(curve.CompoundId, fit, fit.IC50, ki, flags)
        {
            ModelChoice = choice,
            HillFStatistic = f,
            HillPValue = p,
            CurveClass = NcgcCurveClass.Classify(fit, keptX),
            MaskedPoints = scan.Outliers,
            MaskedWells = maskedWells,
            RobustStandardDeviation = scan.RobustStandardDeviation,
        };
    }

    /// <summary>
    /// The noise of percent-normalized responses from a plate's control wells: SD at 0 % =
    /// 100 sd_nsb / (mean_total - mean_nsb), at 100 % = 100 sd_total / (mean_total - mean_nsb).
    /// </summary>
    public static ResponseNoise NoiseOf(PlateQc qc)
    {
        ArgumentNullException.ThrowIfNull(qc);
        double window = qc.MeanTotal - qc.MeanNsb;
        double sdTotal = qc.TotalCvPercent / 100 * qc.MeanTotal;
        double sdNsb = qc.NsbCvPercent / 100 * qc.MeanNsb;
        return new ResponseNoise(100 * sdNsb / window, 100 * sdTotal / window);
    }

    /// <summary>
    /// Extra-sum-of-squares F test of nested models (Motulsky &amp; Christopoulos, Fitting Models to
    /// Biological Data, ch. 22): F = ((SSE_simple - SSE_full)/(df_simple - df_full)) / (SSE_full/df_full).
    /// A full fit that is worse than the simple one (a local minimum) gives F = 0, p = 1.
    /// </summary>
    public static (double F, double P) ExtraSumOfSquares(CurveFitResult simple, CurveFitResult full)
    {
        ArgumentNullException.ThrowIfNull(simple);
        ArgumentNullException.ThrowIfNull(full);
        int extra = simple.DegreesOfFreedom - full.DegreesOfFreedom;
        if (extra < 1 || full.DegreesOfFreedom < 1)
        {
            return (double.NaN, double.NaN);
        }

        double gain = Math.Max(simple.SumOfSquares - full.SumOfSquares, 0);
        if (full.SumOfSquares <= 0)
        {
            return gain > 0 ? (double.PositiveInfinity, 0) : (0, 1);
        }

        double f = gain / extra / (full.SumOfSquares / full.DegreesOfFreedom);
        return (f, FDistribution.UpperTail(f, extra, full.DegreesOfFreedom));
    }

    /// <summary>
    /// "ci_wider_than_tested_range": a measured potency whose 95 % interval of LogIC50 is wider than
    /// log10(highest/lowest tested concentration), or not estimable (singular J'J).
    /// </summary>
    public static bool IsCiWiderThanTestedRange(CurveFitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit.IC50.Qualifier == Qualifier.Equal
            && !(fit.IC50.Ci95HighLogMolar - fit.IC50.Ci95LowLogMolar <= fit.MaxLogMolar - fit.MinLogMolar);
    }

    private static bool IsFitted(CurveFitResult fit) => fit.Status is FitStatus.Converged or FitStatus.NotConverged;

    private static (double[] X, double[] Y) WithoutPoints(double[] x, double[] y, IReadOnlyList<int> masked)
    {
        var keptX = new double[x.Length - masked.Count];
        var keptY = new double[keptX.Length];
        int k = 0;
        int m = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (m < masked.Count && masked[m] == i)
            {
                m++;
                continue;
            }

            keptX[k] = x[i];
            keptY[k] = y[i];
            k++;
        }

        return (keptX, keptY);
    }

    private sealed record PolicyFit(CurveFitResult Fit, FitOptions Options, bool TopFixed, bool BottomFixed);

    private static PolicyFit PlateauPolicy(double[] x, double[] y)
    {
        var fit = DoseResponseFitter.Fit(x, y, FitOptions.Default);
        if (IsFitted(fit))
        {
            var (topDefined, bottomDefined) = PlateausDefined(fit);
            if (!topDefined || !bottomDefined)
            {
                var options = FitOptions.Default with
                {
                    FixedTop = topDefined ? null : ControlTop,
                    FixedBottom = bottomDefined ? null : ControlBottom,
                };
                var constrained = DoseResponseFitter.Fit(x, y, options);
                if (IsFitted(constrained))
                {
                    return new PolicyFit(constrained, options, !topDefined, !bottomDefined);
                }
            }
        }

        return new PolicyFit(fit, FitOptions.Default, false, false);
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
