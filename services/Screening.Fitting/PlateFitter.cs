using System.Diagnostics;
using System.Diagnostics.Metrics;
using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;
using Screening.Contracts;
using Screening.Protos.V1;
using Screening.ServiceDefaults;

namespace Screening.Fitting;

/// <summary>Turns an accepted plate into fitted curves: normalize to controls, one curve per compound, fit, Ki.</summary>
internal static class PlateFitter
{
    private static readonly Counter<long> CurvesFitted = Telemetry.Meter.CreateCounter<long>(
        "screening.curves.fitted", "{curve}", "Curves fitted, by convergence status and curve class.");

    private static readonly Histogram<double> PlateFitDuration = Telemetry.Meter.CreateHistogram<double>(
        "screening.plate.fit.duration", "ms", "Time to fit every curve of one plate.");

    public static PlateFitted Fit(PlateAccepted accepted)
    {
        using var activity = Telemetry.Source.StartActivity("plate fit");
        activity?.SetTag("plate.id", accepted.PlateId).SetTag("plate.target", accepted.Target).SetTag("plate.assay", accepted.Assay);
        var started = Stopwatch.GetTimestamp();

        var plate = ToPlate(accepted);
        var curves = Normalization.CurvesOf(plate);

        // The controls' scatter, in percent of the window, scales the outlier test.
        var noise = CompoundAffinityAnalysis.NoiseOf(Analysis.Plates.PlateQuality.Compute(plate));
        var results = new CurveResult[curves.Count];
        Parallel.For(0, curves.Count, i =>
        {
            var affinity = CompoundAffinityAnalysis.Analyze(curves[i], plate.LigandNm, plate.LigandKdNm, noise);
            results[i] = ToContract(affinity) with { LogMolar = curves[i].LogMolar, Response = Array.ConvertAll(curves[i].PercentSpecific, CurveMapping.Finite), MaskedPoints = affinity.MaskedPoints };
        });

        foreach (var r in results)
        {
            CurvesFitted.Add(1, new KeyValuePair<string, object?>("status", r.Status), new KeyValuePair<string, object?>("class", r.CurveClass));
        }

        PlateFitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("plate.assay", accepted.Assay));
        activity?.SetTag("plate.curve_count", results.Length);
        return new PlateFitted(
            accepted.PlateId,
            accepted.Revision,
            accepted.ContentHash,
            accepted.Target,
            accepted.Assay,
            accepted.ZPrime,
            accepted.QcPassed,
            accepted.LigandNm,
            accepted.LigandKdNm,
            results,
            DateTimeOffset.UtcNow);
    }

    /// <summary>Rebuilds the domain plate; the message was validated by Ingestion, so a bad value here is a bug.</summary>
    private static PlateRead ToPlate(PlateAccepted accepted)
    {
        var wells = new WellRead[accepted.Wells.Count];
        for (var i = 0; i < wells.Length; i++)
        {
            var w = accepted.Wells[i];
            if (!WellPosition.TryParse(w.Well, out var position) || PlateVocabulary.ParseRole(w.Role) is not { } role)
            {
                throw new InvalidOperationException($"Plate {accepted.PlateId}: well {w.Well} with role {w.Role} cannot be read.");
            }

            wells[i] = new WellRead(position, role, w.CompoundId, w.ConcentrationNm, w.Signal);
        }

        return new PlateRead(
            accepted.PlateId,
            PlateVocabulary.ParseTarget(accepted.Target) ?? throw new InvalidOperationException($"Plate {accepted.PlateId}: unknown target {accepted.Target}."),
            PlateVocabulary.ParseAssay(accepted.Assay) ?? throw new InvalidOperationException($"Plate {accepted.PlateId}: unknown assay {accepted.Assay}."),
            (PlateFormat)accepted.PlateFormat,
            accepted.LigandNm,
            accepted.LigandKdNm,
            wells);
    }

    private static CurveResult ToContract(CompoundAffinity a)
    {
        var fit = a.Fit;
        static double F(double v) => CurveMapping.Finite(v);
        return new CurveResult(
            a.CompoundId,
            fit.Status.ToString(),
            F(fit.Estimates.Bottom),
            F(fit.Estimates.Top),
            F(fit.Estimates.LogIC50),
            F(fit.Estimates.HillSlope),
            F(fit.StandardErrors.Bottom),
            F(fit.StandardErrors.Top),
            F(fit.StandardErrors.LogIC50),
            F(fit.StandardErrors.HillSlope),
            F(fit.SumOfSquares),
            fit.DegreesOfFreedom,
            fit.Points,
            F(fit.RSquared),
            F(Math.Pow(10, fit.MinLogMolar + 9)),
            F(Math.Pow(10, fit.MaxLogMolar + 9)),
            a.IC50.Qualifier.Symbol(),
            F(a.IC50.Nanomolar),
            F(a.IC50.Ci95LowNanomolar),
            F(a.IC50.Ci95HighNanomolar),
            a.Ki is { } ki ? F(ki.Nanomolar) : null,
            a.Ki is { } k1 ? F(k1.Ci95LowNanomolar) : null,
            a.Ki is { } k2 ? F(k2.Ci95HighNanomolar) : null,
            a.Flags,
            a.ModelChoice == ModelChoice.HillOne ? "hill_one" : "free_hill",
            double.IsFinite(a.HillFStatistic) ? a.HillFStatistic : null,
            double.IsFinite(a.HillPValue) ? a.HillPValue : null,
            a.CurveClass,
            a.MaskedWells);
    }
}
