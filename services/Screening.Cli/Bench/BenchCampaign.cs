using System.Globalization;
using System.Security.Cryptography;
using Screening.Analysis.Plates;
using Screening.Cli.Submission;
using Screening.Protos.V1;

namespace Screening.Cli.Bench;

/// <summary>
/// The plates of one bench run, simulated before anything is timed and kept only as gRPC messages.
/// A campaign, not a panel: every compound is new after the reference compounds, each measured on
/// <see cref="Replicates"/> plates per target and assay, so the ranking grows as it would in a screen.
/// </summary>
internal sealed class BenchCampaign
{
    /// <summary>Replicate plates per compound, target and assay (the ranking needs two for an interval).</summary>
    public const int Replicates = 2;

    private BenchCampaign(string plateIdPrefix, PlateFormat format, int compounds, IReadOnlyList<Plate> plates, IReadOnlyList<int> curves)
    {
        PlateIdPrefix = plateIdPrefix;
        Format = format;
        Compounds = compounds;
        Plates = plates;
        Curves = curves;
        Bytes = plates.Sum(p => (long)p.CalculateSize());
    }

    public string PlateIdPrefix { get; }

    public PlateFormat Format { get; }

    /// <summary>Distinct compounds across the campaign.</summary>
    public int Compounds { get; }

    /// <summary>In submission order: SERT binding, NET binding, SERT uptake, NET uptake, SERT binding, ...</summary>
    public IReadOnlyList<Plate> Plates { get; }

    /// <summary>Curves each plate yields: one per compound on it.</summary>
    public IReadOnlyList<int> Curves { get; }

    /// <summary>The plates' size on the wire.</summary>
    public long Bytes { get; }

    public int TotalCurves => Curves.Sum();

    /// <summary>"20250314T101502-9f3a": a run id that keeps repeated runs against one server apart.</summary>
    public static string NewRunId() =>
        DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    /// <summary>
    /// <paramref name="plates"/> plates laid out by <see cref="PlateSimulator"/> for <paramref name="format"/>, ids
    /// starting <paramref name="plateIdPrefix"/>, spread evenly over SERT/NET x binding/uptake.
    /// </summary>
    public static BenchCampaign Simulate(string plateIdPrefix, int plates, PlateFormat format, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plates);
        var assays = PlateSimulator.AllAssays;

        // Enough compounds that every target and assay gets its share of plates, in every replicate.
        var platesPerReplicate = (plates + (assays.Count * Replicates) - 1) / (assays.Count * Replicates);
        var panel = PanelSimulation.Panel(platesPerReplicate * PlateSimulator.CompoundsPerPlate(format), seed);

        var perAssay = new (Plate Plate, int Curves)[assays.Count][];
        Parallel.For(0, assays.Count, a => perAssay[a] = PlateSimulator.Simulate(panel, new SimulationOptions(
                Seed: seed + a, Format: format, ReplicatePlates: Replicates, PlateIdPrefix: plateIdPrefix, Assays: [assays[a]]))
            .Select(p => (p.ToInput().ToProto(), p.Wells.Where(w => w.Role == Analysis.Plates.WellRole.Sample).Select(w => w.CompoundId).Distinct(StringComparer.Ordinal).Count()))
            .ToArray());

        // Interleaved, as a lab runs its targets and assays side by side.
        var ordered = Enumerable.Range(0, perAssay.Max(p => p.Length))
            .SelectMany(k => perAssay.Where(p => k < p.Length).Select(p => p[k]))
            .Take(plates)
            .ToArray();
        var compounds = ordered.SelectMany(p => p.Plate.Wells).Select(w => w.CompoundId).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).Count();
        return new BenchCampaign(plateIdPrefix, format, compounds, ordered.Select(p => p.Plate).ToArray(), ordered.Select(p => p.Curves).ToArray());
    }
}
