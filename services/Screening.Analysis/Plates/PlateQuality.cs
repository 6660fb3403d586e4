namespace Screening.Analysis.Plates;

/// <summary>Control-well statistics of one plate. SDs are sample SDs (n - 1).</summary>
public sealed record PlateQc(
    double ZPrime,
    double SignalToBackground,
    double TotalCvPercent,
    double NsbCvPercent,
    double MeanTotal,
    double MeanNsb,
    bool Passed,
    double ZPrimeThreshold);

public static class PlateQuality
{
    /// <summary>The customary pass mark for Z' (Zhang, Chung &amp; Oldenburg 1999).</summary>
    public const double DefaultZPrimeThreshold = 0.5;

    /// <summary>
    /// Z' = 1 - 3 (sd_total + sd_nsb) / |mean_total - mean_nsb| (Zhang, Chung &amp; Oldenburg,
    /// J Biomol Screen 1999;4:67-73); S/B = mean_total / mean_nsb (+Infinity when mean_nsb is 0);
    /// CV% = 100 sd / mean. Passed iff Z' &gt;= threshold (a NaN Z' never passes).
    /// </summary>
    public static PlateQc Compute(PlateRead plate, double zPrimeThreshold = DefaultZPrimeThreshold)
    {
        ArgumentNullException.ThrowIfNull(plate);
        var total = Signals(plate, WellRole.Total);
        var nsb = Signals(plate, WellRole.Nsb);
        var (meanTotal, sdTotal) = MeanAndSd(total);
        var (meanNsb, sdNsb) = MeanAndSd(nsb);

        var zPrime = 1.0 - (3.0 * (sdTotal + sdNsb) / Math.Abs(meanTotal - meanNsb));
        var signalToBackground = meanNsb == 0 && meanTotal > 0 ? double.PositiveInfinity : meanTotal / meanNsb;
        return new PlateQc(
            zPrime,
            signalToBackground,
            100.0 * sdTotal / meanTotal,
            100.0 * sdNsb / meanNsb,
            meanTotal,
            meanNsb,
            zPrime >= zPrimeThreshold,
            zPrimeThreshold);
    }

    internal static double[] Signals(PlateRead plate, WellRole role) =>
        plate.Wells.Where(w => w.Role == role).Select(w => w.Signal).ToArray();

    /// <summary>Mean and sample SD (n - 1); NaN SD for fewer than two values.</summary>
    internal static (double Mean, double Sd) MeanAndSd(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Count;
        if (values.Count < 2)
        {
            return (mean, double.NaN);
        }

        var squares = 0.0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(squares / (values.Count - 1)));
    }
}
