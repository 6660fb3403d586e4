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
    public static CompoundAffinity Analyze(CompoundCurve curve, double? ligandNm, double? kdNm, ResponseNoise? noise) =>
        Analyze(curve, ligandNm, kdNm, noise, RobustFitMethod.LorentzianMinimum);

    /// <summary>As above, with the outlier test's robust fit computed by <paramref name="robustFit"/> (for comparisons).</summary>
    internal static CompoundAffinity Analyze(CompoundCurve curve, double? ligandNm, double? kdNm, ResponseNoise? noise, RobustFitMethod robustFit)
    {
        ArgumentNullException.ThrowIfNull(curve);
        double[] x = curve.LogMolar;
        double[] y = curve.PercentSpecific;

        // The intermediate fits are values (CurveFitValues); only the reported one becomes a record.
        PolicyFit first = PlateauPolicy(x, y);
        OutlierScan scan = OutlierScan.None;
        if (IsFitted(first.Fit.Status))
        {
            scan = RobustOutlierTest.Scan(x, y, first.Options, first.Fit.Estimates, RobustOutlierTest.DefaultQ, noise, robustFit);
        }
        else if (first.Fit.Status == FitStatus.Flat)
        {
            scan = RobustOutlierTest.ScanFlat(y);
        }

        var (keptX, keptY) = (x, y);
        PolicyFit policy = first;
        if (scan.Outliers.Count > 0)
        {
            (keptX, keptY) = WithoutPoints(x, y, scan.Outliers);
            policy = PlateauPolicy(keptX, keptY);
        }

        CurveFitValues fit = policy.Fit;
        var choice = ModelChoice.FreeHill;
        double f = double.NaN;
        double p = double.NaN;
        if (IsFitted(fit.Status) && double.IsFinite(fit.Estimates.HillSlope))
        {
            DoseResponseFitter.Fit(keptX, keptY, HillOneOptions(policy, fit.Estimates.HillSlope > 0 ? 1 : -1), out CurveFitValues hillOne);
            if (IsFitted(hillOne.Status))
            {
                (f, p) = ExtraSumOfSquares(hillOne.SumOfSquares, hillOne.DegreesOfFreedom, fit.SumOfSquares, fit.DegreesOfFreedom);
                if (!(p < HillTestAlpha))
                {
                    fit = hillOne;
                    choice = ModelChoice.HillOne;
                }
            }
        }

        CurveFitResult reported = fit.ToResult();
        var flags = new List<string>(4);
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

        if (choice == ModelChoice.FreeHill && IsFitted(fit.Status) && (hill < MinPlausibleHill || hill > MaxPlausibleHill))
        {
            flags.Add("hill_outside_0.5_2.5");
        }

        if (IsCiWiderThanTestedRange(reported))
        {
            flags.Add("ci_wider_than_tested_range");
        }

        if (scan.Outliers.Count > 0)
        {
            flags.Add("outliers_masked");
        }

        string[] maskedWells = scan.Outliers.Count == 0 ? [] : new string[scan.Outliers.Count];
        for (int i = 0; i < maskedWells.Length; i++)
        {
            int index = scan.Outliers[i];
            maskedWells[i] = index < curve.Wells.Length ? curve.Wells[index] : string.Empty;
        }

        Potency? ki = ligandNm is { } l && kdNm is { } kd ? ChengPrusoff.ToKi(fit.IC50, l, kd) : null;
        return new CompoundAffinity(curve.CompoundId, reported, fit.IC50, ki, flags)
        {
            ModelChoice = choice,
            HillFStatistic = f,
            HillPValue = p,
            CurveClass = NcgcCurveClass.Classify(reported, keptX),
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
        return ExtraSumOfSquares(simple.SumOfSquares, simple.DegreesOfFreedom, full.SumOfSquares, full.DegreesOfFreedom);
    }

    private static (double F, double P) ExtraSumOfSquares(double simpleSumOfSquares, int simpleDegreesOfFreedom, double fullSumOfSquares, int fullDegreesOfFreedom)
    {
        int extra = simpleDegreesOfFreedom - fullDegreesOfFreedom;
        if (extra < 1 || fullDegreesOfFreedom < 1)
        {
            return (double.NaN, double.NaN);
        }

        double gain = Math.Max(simpleSumOfSquares - fullSumOfSquares, 0);
        if (fullSumOfSquares <= 0)
        {
            return gain > 0 ? (double.PositiveInfinity, 0) : (0, 1);
        }

        double f = gain / extra / (fullSumOfSquares / fullDegreesOfFreedom);
        return (f, FDistribution.UpperTail(f, extra, fullDegreesOfFreedom));
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

    private static bool IsFitted(FitStatus status) => status is FitStatus.Converged or FitStatus.NotConverged;

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

    private readonly record struct PolicyFit(CurveFitValues Fit, FitOptions Options, bool TopFixed, bool BottomFixed);

    // The options of the plateau policy and of the Hill = ±1 fits, made once: (top fixed, bottom fixed) -> index 2 top + bottom.
    private static readonly FitOptions[] PlateauOptions =
    [
        FitOptions.Default,
        FitOptions.Default with { FixedBottom = ControlBottom },
        FitOptions.Default with { FixedTop = ControlTop },
        FitOptions.Default with { FixedTop = ControlTop, FixedBottom = ControlBottom },
    ];

    private static readonly FitOptions[] RisingHillOneOptions = [.. PlateauOptions.Select(o => o with { FixedHillSlope = 1 })];
    private static readonly FitOptions[] FallingHillOneOptions = [.. PlateauOptions.Select(o => o with { FixedHillSlope = -1 })];

    private static int PlateauIndex(bool topFixed, bool bottomFixed) => (topFixed ? 2 : 0) + (bottomFixed ? 1 : 0);

    private static FitOptions HillOneOptions(PolicyFit policy, int sign) =>
        (sign > 0 ? RisingHillOneOptions : FallingHillOneOptions)[PlateauIndex(policy.TopFixed, policy.BottomFixed)];

    private static PolicyFit PlateauPolicy(double[] x, double[] y)
    {
        DoseResponseFitter.Fit(x, y, FitOptions.Default, out CurveFitValues fit);
        if (IsFitted(fit.Status))
        {
            var (topDefined, bottomDefined) = PlateausDefined(fit.Estimates, fit.MinLogMolar, fit.MaxLogMolar);
            if (!topDefined || !bottomDefined)
            {
                FitOptions options = PlateauOptions[PlateauIndex(!topDefined, !bottomDefined)];
                DoseResponseFitter.Fit(x, y, options, out CurveFitValues constrained);
                if (IsFitted(constrained.Status))
                {
                    return new PolicyFit(constrained, options, !topDefined, !bottomDefined);
                }
            }
        }

        return new PolicyFit(fit, FitOptions.Default, false, false);
    }

    private static (bool Top, bool Bottom) PlateausDefined(LogisticParameters estimates, double minLogMolar, double maxLogMolar)
    {
        var hill = Math.Abs(estimates.HillSlope);
        if (!double.IsFinite(hill) || hill < 1e-6)
        {
            return (false, false);
        }

        var reach = PlateauReach / hill;
        var logIC50 = estimates.LogIC50;
        var lowSide = minLogMolar <= logIC50 - reach;
        var highSide = maxLogMolar >= logIC50 + reach;

        // With a negative (inhibitory) slope Top is approached at low concentrations.
        return estimates.HillSlope < 0 ? (lowSide, highSide) : (highSide, lowSide);
    }
}
