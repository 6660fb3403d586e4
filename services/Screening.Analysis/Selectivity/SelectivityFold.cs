using Screening.Analysis.Curves;

namespace Screening.Analysis.Selectivity;

/// <summary>Which transporter a compound prefers.</summary>
public enum Preference
{
    /// <summary>The 95 % interval of the fold spans 1, or the fold is undetermined.</summary>
    None = 0,
    Sert = 1,
    Net = 2,
}

/// <summary>
/// SERT-versus-NET selectivity: fold = Ki_NET / Ki_SERT, so log10 fold = pKi(SERT) - pKi(NET).
/// Above 1 the compound is SERT-selective. A censored side makes the fold a bound.
/// </summary>
public sealed record SelectivityCall(
    double Log10Fold,
    Qualifier Qualifier,
    double Ci95LowLog10,
    double Ci95HighLog10,
    Preference Preference)
{
    public static SelectivityCall Undetermined { get; } = new(double.NaN, Qualifier.Equal, double.NaN, double.NaN, Preference.None);

    public bool IsDetermined => double.IsFinite(Log10Fold);

    public double Fold => Math.Pow(10, Log10Fold);

    public double Ci95Low => Math.Pow(10, Ci95LowLog10);

    public double Ci95High => Math.Pow(10, Ci95HighLog10);
}

public static class SelectivityFold
{
    /// <summary>
    /// Compares the two targets on the log scale (in the spirit of drc's EDcomp): the
    /// difference of mean log Ki with standard error sqrt(SE_SERT² + SE_NET²) and a t interval on
    /// Welch-Satterthwaite degrees of freedom. With one side censored the fold is a bound:
    /// NET "&gt;" (or SERT "&lt;") gives fold "&gt;", SERT "&gt;" (or NET "&lt;") gives fold "&lt;";
    /// bounds in the same direction on both sides say nothing (undetermined).
    /// Preference: SERT when the whole interval (or the bound) lies above 1-fold, NET when
    /// below, otherwise none.
    /// </summary>
    public static SelectivityCall Compare(AggregatedPotency? sert, AggregatedPotency? net)
    {
        if (sert is null || net is null)
        {
            return SelectivityCall.Undetermined;
        }

        var log10Fold = net.MeanLogMolar - sert.MeanLogMolar;
        if (sert.Qualifier == Qualifier.Equal && net.Qualifier == Qualifier.Equal)
        {
            var v1 = sert.StandardError * sert.StandardError;
            var v2 = net.StandardError * net.StandardError;
            var se = Math.Sqrt(v1 + v2);
            var df = WelchSatterthwaite(v1, sert.DegreesOfFreedom, v2, net.DegreesOfFreedom);
            var half = se > 0 && df > 0 ? StudentT.Quantile(0.975, df) * se : 0;
            var low = log10Fold - half;
            var high = log10Fold + half;
            var preference = low > 0 ? Preference.Sert : high < 0 ? Preference.Net : Preference.None;
            return new SelectivityCall(log10Fold, Qualifier.Equal, low, high, preference);
        }

        var netHigher = net.Qualifier == Qualifier.Greater || sert.Qualifier == Qualifier.Less;
        var netLower = net.Qualifier == Qualifier.Less || sert.Qualifier == Qualifier.Greater;
        if (netHigher && !netLower)
        {
            // Ki_NET / Ki_SERT is at least the bound.
            return new SelectivityCall(log10Fold, Qualifier.Greater, log10Fold, double.PositiveInfinity,
                log10Fold > 0 ? Preference.Sert : Preference.None);
        }

        if (netLower && !netHigher)
        {
            return new SelectivityCall(log10Fold, Qualifier.Less, double.NegativeInfinity, log10Fold,
                log10Fold < 0 ? Preference.Net : Preference.None);
        }

        return SelectivityCall.Undetermined;
    }

    private static double WelchSatterthwaite(double v1, double df1, double v2, double df2)
    {
        if (df1 <= 0 || df2 <= 0)
        {
            return Math.Max(df1, df2);
        }

        var denominator = (v1 * v1 / df1) + (v2 * v2 / df2);
        return denominator > 0 ? (v1 + v2) * (v1 + v2) / denominator : df1 + df2;
    }
}
