namespace Screening.Analysis.Curves;

/// <summary>Why a fit ended. A fit never throws: it reports.</summary>
public enum FitStatus
{
    Converged = 1,

    /// <summary>Iteration limit reached; estimates are the best found.</summary>
    NotConverged = 2,

    /// <summary>Fewer points than free parameters + 1.</summary>
    TooFewPoints = 3,

    /// <summary>Non-finite X or Y.</summary>
    InvalidInput = 4,

    /// <summary>No concentration dependence: no potency can be estimated.</summary>
    Flat = 5,
}

/// <summary>How a reported potency relates to the truth.</summary>
public enum Qualifier
{
    /// <summary>A measured value.</summary>
    Equal = 1,

    /// <summary>A lower bound: the curve never reached 50 % inside the tested range.</summary>
    Greater = 2,

    /// <summary>An upper bound: already past 50 % at the lowest tested concentration.</summary>
    Less = 3,

    /// <summary>No potency at all: the fit failed (see <see cref="FitStatus"/>); the value is NaN.</summary>
    NotEstimable = 4,
}

/// <summary>Curve models, all in Prism's log(inhibitor) vs. response form with X = log10(molar).</summary>
public enum CurveModel
{
    /// <summary>Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)).</summary>
    FourParameter = 1,

    /// <summary>The four-parameter logistic with HillSlope fixed at -1 (one site, descending).</summary>
    HillOne = 2,

    /// <summary>
    /// The five-parameter asymmetric logistic (Prism's "asymmetric sigmoidal, 5PL, X is log(concentration)"):
    /// Y = Bottom + (Top-Bottom)/(1+10^((LogXb-X)*HillSlope))^S, S &gt; 0 the asymmetry (S = 1 is the 4PL with
    /// LogXb = LogIC50). LogXb is not the IC50: the X where Y is halfway between Top and Bottom solves
    /// (1+10^((LogXb-X)*HillSlope))^S = 2, so LogIC50 = LogXb - log10(2^(1/S)-1)/HillSlope (Prism's
    /// LogXb = LogEC50 + (1/HillSlope)*log10(2^(1/S)-1)). The fit reports that LogIC50 in
    /// <see cref="CurveFitResult.Estimates"/> (SE by the delta method), LogXb and S in
    /// <see cref="CurveFitResult.LogXb"/> and <see cref="CurveFitResult.Asymmetry"/>.
    /// </summary>
    FiveParameter = 3,
}

/// <summary>Parameters of the four-parameter logistic (Prism form, X = log10 molar).</summary>
public readonly record struct LogisticParameters(double Bottom, double Top, double LogIC50, double HillSlope)
{
    /// <summary>
    /// The response at <paramref name="logMolar"/>; X = -infinity (no compound) gives the low-dose plateau.
    /// </summary>
    public double ResponseAt(double logMolar) => FourParameterLogistic.Response(this, logMolar);
}

/// <summary>Which parameters to hold fixed, and the iteration budget.</summary>
public sealed record FitOptions
{
    public static FitOptions Default { get; } = new();

    public CurveModel Model { get; init; } = CurveModel.FourParameter;
    public double? FixedBottom { get; init; }
    public double? FixedTop { get; init; }
    public double? FixedHillSlope { get; init; }

    /// <summary>The 5PL asymmetry S (&gt; 0); ignored by the four-parameter models.</summary>
    public double? FixedAsymmetry { get; init; }

    /// <summary>
    /// LogIC50 held fixed (for the 5PL: the halfway point, with LogXb following from HillSlope and S).
    /// Its standard error and interval are then not estimable (NaN).
    /// </summary>
    public double? FixedLogIC50 { get; init; }

    public int MaxIterations { get; init; } = 200;

    /// <summary>
    /// The response that marks 50 % of the control window (50 for percent-normalized data).
    /// A fitted curve that does not reach it inside the tested range gets a qualified potency.
    /// Null: qualify by the position of the fitted LogIC50 alone (raw, un-normalized responses).
    /// </summary>
    public double? ResponseMidpoint { get; init; } = 50;

    /// <summary>Where to start the search instead of the data-driven guess (fixed parameters still win).</summary>
    public LogisticParameters? InitialEstimates { get; init; }
}

/// <summary>
/// A potency with its uncertainty: LogIC50 (log10 molar) with standard error and 95 %
/// interval (t on the residual degrees of freedom), and its qualifier.
/// For <see cref="Qualifier.Greater"/>/<see cref="Qualifier.Less"/> the value is the bound
/// (highest/lowest tested concentration) and the interval is not estimable (NaN).
/// </summary>
public readonly record struct Potency(
    double LogMolar,
    double StandardError,
    double Ci95LowLogMolar,
    double Ci95HighLogMolar,
    Qualifier Qualifier)
{
    public double Nanomolar => Math.Pow(10, LogMolar + 9);
    public double Ci95LowNanomolar => Math.Pow(10, Ci95LowLogMolar + 9);
    public double Ci95HighNanomolar => Math.Pow(10, Ci95HighLogMolar + 9);
}

/// <summary>The outcome of fitting one curve: estimates, standard errors, potency, fit quality.</summary>
public sealed record CurveFitResult(
    FitStatus Status,
    LogisticParameters Estimates,
    LogisticParameters StandardErrors,
    Potency IC50,
    double SumOfSquares,
    int DegreesOfFreedom,
    int Points,
    double RSquared,
    int Iterations,
    double MinLogMolar,
    double MaxLogMolar)
{
    /// <summary>5PL only: the asymmetry S; NaN for the four-parameter models.</summary>
    public double Asymmetry { get; init; } = double.NaN;

    /// <summary>5PL only: the standard error of S (NaN when fixed or not estimable).</summary>
    public double AsymmetryStandardError { get; init; } = double.NaN;

    /// <summary>5PL only: LogXb, the X of the inflection-like location parameter; NaN for the four-parameter models.</summary>
    public double LogXb { get; init; } = double.NaN;

    /// <summary>5PL only: the standard error of LogXb.</summary>
    public double LogXbStandardError { get; init; } = double.NaN;

    /// <summary>The fitted curve at <paramref name="logMolar"/>: the 5PL when <see cref="Asymmetry"/> is set, else the 4PL.</summary>
    public double ResponseAt(double logMolar) => double.IsNaN(Asymmetry)
        ? Estimates.ResponseAt(logMolar)
        : FiveParameterLogistic.Response(Estimates.Bottom, Estimates.Top, LogXb, Estimates.HillSlope, Asymmetry, logMolar);
}

/// <summary>
/// The values of a <see cref="CurveFitResult"/> as a struct, for
/// <see cref="DoseResponseFitter.Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, FitOptions, out CurveFitValues)"/>:
/// the same fields with the same meaning, and no allocation.
/// </summary>
public readonly record struct CurveFitValues(
    FitStatus Status,
    LogisticParameters Estimates,
    LogisticParameters StandardErrors,
    Potency IC50,
    double SumOfSquares,
    int DegreesOfFreedom,
    int Points,
    double RSquared,
    int Iterations,
    double MinLogMolar,
    double MaxLogMolar)
{
    /// <summary>5PL only: the asymmetry S; NaN for the four-parameter models.</summary>
    public double Asymmetry { get; init; } = double.NaN;

    /// <summary>5PL only: the standard error of S.</summary>
    public double AsymmetryStandardError { get; init; } = double.NaN;

    /// <summary>5PL only: LogXb.</summary>
    public double LogXb { get; init; } = double.NaN;

    /// <summary>5PL only: the standard error of LogXb.</summary>
    public double LogXbStandardError { get; init; } = double.NaN;

    /// <summary>The same values as a <see cref="CurveFitResult"/> (allocates it).</summary>
    public CurveFitResult ToResult() => new(
        Status, Estimates, StandardErrors, IC50, SumOfSquares, DegreesOfFreedom, Points, RSquared, Iterations, MinLogMolar, MaxLogMolar)
    {
        Asymmetry = Asymmetry,
        AsymmetryStandardError = AsymmetryStandardError,
        LogXb = LogXb,
        LogXbStandardError = LogXbStandardError,
    };

    /// <summary>The values of <paramref name="result"/>.</summary>
    public static CurveFitValues From(CurveFitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new CurveFitValues(
            result.Status, result.Estimates, result.StandardErrors, result.IC50, result.SumOfSquares, result.DegreesOfFreedom,
            result.Points, result.RSquared, result.Iterations, result.MinLogMolar, result.MaxLogMolar)
        {
            Asymmetry = result.Asymmetry,
            AsymmetryStandardError = result.AsymmetryStandardError,
            LogXb = result.LogXb,
            LogXbStandardError = result.LogXbStandardError,
        };
    }
}
