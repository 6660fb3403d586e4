using System.Text.Json;
using Screening.Analysis.Plates;

namespace Screening.Cli.Submission;

/// <summary>Simulated plates of a compound panel, as `screen simulate` writes them and `screen demo` submits them.</summary>
internal static class PanelSimulation
{
    public const int DefaultCompounds = 16;
    public const int DefaultSeed = 42;
    public const int DefaultReplicates = 3;
    public const string PlateIdPrefix = "SIM";

    /// <summary>The reference compounds first (up to 16), then synthetic ones for the rest.</summary>
    public static IReadOnlyList<CompoundTruth> Panel(int compounds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(compounds);
        var reference = ReferencePanel.Default.Take(Math.Min(compounds, ReferencePanel.Default.Count));
        var synthetic = ReferencePanel.Random(Math.Max(0, compounds - ReferencePanel.Default.Count), seed);
        return reference.Concat(synthetic).ToArray();
    }

    public static IReadOnlyList<PlateRead> Plates(IReadOnlyList<CompoundTruth> panel, int seed, PlateFormat format, int replicates) =>
        PlateSimulator.Simulate(panel, new SimulationOptions(Seed: seed, Format: format, ReplicatePlates: replicates, PlateIdPrefix: PlateIdPrefix));

    /// <summary>"sert-binding.csv" and so on.</summary>
    public static string FileName(Target target, AssayType assay) =>
        (target == Target.Sert ? "sert" : "net") + "-" + assay.Name() + ".csv";

    /// <summary>"SERT/binding", the key truth.json uses (as examples/plates/truth.json does).</summary>
    public static string Key(Target target, AssayType assay) => target.Name() + "/" + assay.Name();

    /// <summary>
    /// The truth behind simulated plates: per compound the Hill slope, IC50 per "TARGET/assay", and the Ki that
    /// Cheng-Prusoff gives from it with the simulator's ligand: Ki = IC50 / (1 + L / Kd).
    /// </summary>
    public static void WriteTruth(Stream stream, IReadOnlyList<CompoundTruth> panel, int seed, PlateFormat format, int replicates)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(panel);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("seed", seed);
        json.WriteNumber("plate_format", (int)format);
        json.WriteNumber("replicates", replicates);
        json.WriteStartObject("assays");
        foreach (var (target, assay) in PlateSimulator.AllAssays)
        {
            var (ligand, kd) = PlateSimulator.Ligand(target, assay);
            json.WriteStartObject(Key(target, assay));
            json.WriteNumber("ligand_nM", ligand);
            json.WriteNumber("ligand_kd_nM", kd);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartObject("compounds");
        foreach (var compound in panel)
        {
            json.WriteStartObject(compound.CompoundId);
            json.WriteNumber("hill", compound.Hill);
            json.WriteStartObject("ic50_nM");
            foreach (var ((target, assay), ic50) in Tested(compound))
            {
                json.WriteNumber(Key(target, assay), ic50);
            }

            json.WriteEndObject();
            json.WriteStartObject("ki_nM");
            foreach (var ((target, assay), ic50) in Tested(compound))
            {
                var (ligand, kd) = PlateSimulator.Ligand(target, assay);
                json.WriteNumber(Key(target, assay), ic50 / (1 + (ligand / kd)));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static IEnumerable<((Target, AssayType), double)> Tested(CompoundTruth compound) =>
        PlateSimulator.AllAssays
            .Where(a => compound.IC50Nm.ContainsKey(a))
            .Select(a => ((a.Target, a.Assay), compound.IC50Nm[a]));
}
