using Screening.Analysis.Curves;

namespace Screening.Analysis.Selectivity;

/// <summary>
/// One plate's potency of a compound at one target: log10 molar Ki (or IC50), its standard
/// error and residual degrees of freedom from the curve fit, and its qualifier.
/// </summary>
public readonly record struct PotencyObservation(double LogMolar, double StandardError, int DegreesOfFreedom, Qualifier Qualifier);

/// <summary>
/// Replicates of one compound at one target combined. For <see cref="Qualifier.Equal"/>:
/// the mean log potency, its standard error and degrees of freedom. For a bound
/// (every replicate censored) <see cref="MeanLogMolar"/> is the bound and the error is NaN.
/// </summary>
public sealed record AggregatedPotency(
    double MeanLogMolar,
    double StandardDeviation,
    double StandardError,
    double DegreesOfFreedom,
    int Replicates,
    int CensoredReplicates,
    Qualifier Qualifier)
{
    /// <summary>pKi (or pIC50): -log10 of the molar potency.</summary>
    public double MeanPotency => -MeanLogMolar;

    /// <summary>Geometric mean in nM.</summary>
    public double Nanomolar => Math.Pow(10, MeanLogMolar + 9);

    public double Ci95LowNanomolar => Math.Pow(10, MeanLogMolar - HalfWidth + 9);

    public double Ci95HighNanomolar => Math.Pow(10, MeanLogMolar + HalfWidth + 9);

    /// <summary>Half-width of the 95 % interval of the mean log potency (t on <see cref="DegreesOfFreedom"/>), computed once.</summary>
    public double HalfWidth { get; } = Qualifier == Qualifier.Equal && DegreesOfFreedom > 0 && double.IsFinite(StandardError)
        ? StudentT.Quantile(0.975, DegreesOfFreedom) * StandardError
        : double.NaN;
}

public static class ReplicateAggregate
{
    /// <summary>
    /// Combines replicate potencies (log scale, so Ki is a geometric mean).
    /// <list type="bullet">
    /// <item>Measured replicates are averaged; censored ones are then left out and counted.</item>
    /// <item>The standard error of the mean is sqrt(max(SD²/n, mean(SE_i²)/n)): between-plate
    /// scatter, but never less than the fits' own uncertainty (two replicates that agree by
    /// chance do not make a compound precise). Degrees of freedom: n - 1, or the single
    /// curve's residual degrees of freedom when n = 1.</item>
    /// <item>When every replicate is censored the result is a bound: "&gt;" the largest lower
    /// bound, "&lt;" the smallest upper bound; with both kinds the compound is undetermined (null).</item>
    /// </list>
    /// </summary>
    public static AggregatedPotency? Combine(ReadOnlySpan<PotencyObservation> observations)
    {
        int measured = 0, greater = 0, less = 0;
        double sum = 0, sumSe2 = 0, maxGreater = double.NegativeInfinity, minLess = double.PositiveInfinity;
        var singleDf = 0;
        foreach (var o in observations)
        {
            if (!double.IsFinite(o.LogMolar))
            {
                continue;
            }

            switch (o.Qualifier)
            {
                case Qualifier.Equal:
                    measured++;
                    sum += o.LogMolar;
                    sumSe2 += double.IsFinite(o.StandardError) ? o.StandardError * o.StandardError : 0;
                    singleDf = o.DegreesOfFreedom;
                    break;
                case Qualifier.Greater:
                    greater++;
                    maxGreater = Math.Max(maxGreater, o.LogMolar);
                    break;
                case Qualifier.Less:
                    less++;
                    minLess = Math.Min(minLess, o.LogMolar);
                    break;
            }
        }

        if (measured > 0)
        {
            var mean = sum / measured;
            double ss = 0;
            foreach (var o in observations)
            {
                if (o.Qualifier == Qualifier.Equal && double.IsFinite(o.LogMolar))
                {
                    ss += (o.LogMolar - mean) * (o.LogMolar - mean);
                }
            }

            var sd = measured > 1 ? Math.Sqrt(ss / (measured - 1)) : 0;
            var se = Math.Sqrt(Math.Max(sd * sd, sumSe2 / measured) / measured);
            double df = measured > 1 ? measured - 1 : singleDf;
            return new AggregatedPotency(mean, sd, se, df, measured, greater + less, Qualifier.Equal);
        }

        if (greater > 0 && less == 0)
        {
            return new AggregatedPotency(maxGreater, double.NaN, double.NaN, 0, 0, greater, Qualifier.Greater);
        }

        if (less > 0 && greater == 0)
        {
            return new AggregatedPotency(minLess, double.NaN, double.NaN, 0, 0, less, Qualifier.Less);
        }

        return null;
    }
}
