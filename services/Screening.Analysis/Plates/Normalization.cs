namespace Screening.Analysis.Plates;

/// <summary>
/// One compound's concentration-response data on one plate, sorted by concentration (ascending).
/// <see cref="LogMolar"/> = log10(concentration_nM * 1e-9).
/// </summary>
public sealed record CompoundCurve(string CompoundId, double[] LogMolar, double[] PercentSpecific, string[] Wells);

public static class Normalization
{
    /// <summary>
    /// Percent specific binding (or uptake): 100 (signal - mean_nsb) / (mean_total - mean_nsb),
    /// so total wells read about 100 and nsb wells about 0 (plate-csv.md, "Meaning").
    /// </summary>
    public static double PercentSpecific(double signal, double meanTotal, double meanNsb) =>
        100.0 * (signal - meanNsb) / (meanTotal - meanNsb);

    /// <summary>log10 of a concentration in nM, as molar: 10 nM gives -8.</summary>
    public static double LogMolar(double concentrationNm) => Math.Log10(concentrationNm * 1e-9);

    /// <summary>
    /// One curve per compound, in order of the compound's first well on the plate, holding all its
    /// sample wells sorted by concentration (then by well, so the order is stable).
    /// </summary>
    public static IReadOnlyList<CompoundCurve> CurvesOf(PlateRead plate)
    {
        ArgumentNullException.ThrowIfNull(plate);
        var meanTotal = PlateQuality.MeanAndSd(PlateQuality.Signals(plate, WellRole.Total)).Mean;
        var meanNsb = PlateQuality.MeanAndSd(PlateQuality.Signals(plate, WellRole.Nsb)).Mean;

        var curves = new List<CompoundCurve>();
        foreach (var group in plate.Wells
            .Where(w => w.Role == WellRole.Sample)
            .GroupBy(w => w.CompoundId!, StringComparer.Ordinal))
        {
            var wells = group
                .OrderBy(w => w.ConcentrationNm!.Value)
                .ThenBy(w => w.Position.Row)
                .ThenBy(w => w.Position.Column)
                .ToArray();
            curves.Add(new CompoundCurve(
                group.Key,
                wells.Select(w => LogMolar(w.ConcentrationNm!.Value)).ToArray(),
                wells.Select(w => PercentSpecific(w.Signal, meanTotal, meanNsb)).ToArray(),
                wells.Select(w => w.Position.ToString()).ToArray()));
        }

        return curves;
    }
}
