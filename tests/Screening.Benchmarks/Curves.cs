using Screening.Analysis.Curves;

namespace Screening.Benchmarks;

/// <summary>
/// Pools of realistic percent-inhibition curves, Y = Bottom + (Top-Bottom)/(1+10^((LogIC50-X)*HillSlope)),
/// so a benchmark cycles through many different curves instead of refitting one.
/// </summary>
internal static class Curves
{
    public const int Pool = 256;

    /// <summary>n concentrations, half-log steps from 10^-10 M, each in duplicate.</summary>
    public static double[] DuplicateSeries(int concentrations) =>
        [.. Enumerable.Range(0, 2 * concentrations).Select(i => -10 + (0.5 * (i / 2)))];

    /// <summary>
    /// Bottom ~ N(0, 3), Top ~ N(100, 3), LogIC50 uniform in the inner 3/4 of the tested range,
    /// HillSlope uniform in [-1.6, -0.6], Gaussian noise of 5 percentage points; with
    /// <paramref name="outlierFraction"/> of the curves carrying one wild well.
    /// </summary>
    public static double[][] Responses(double[] logMolar, int seed, double outlierFraction = 0)
    {
#pragma warning disable CA5394 // Simulation noise, not security.
        var random = new Random(seed);
        double lowest = logMolar.Min();
        double highest = logMolar.Max();
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var pool = new double[Pool][];
        for (int c = 0; c < Pool; c++)
        {
            var truth = new LogisticParameters(
                3 * Normal(),
                100 + (3 * Normal()),
                lowest + ((highest - lowest) * (0.125 + (0.75 * random.NextDouble()))),
                -0.6 - random.NextDouble());
            double[] y = [.. logMolar.Select(x => truth.ResponseAt(x) + (5 * Normal()))];
            if (random.NextDouble() < outlierFraction)
            {
                y[random.Next(y.Length)] += random.NextDouble() < 0.5 ? 60 : -60;
            }

            pool[c] = y;
        }

        return pool;
#pragma warning restore CA5394
    }
}
