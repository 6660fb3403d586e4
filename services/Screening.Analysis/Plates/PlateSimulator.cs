using System.Globalization;

namespace Screening.Analysis.Plates;

/// <summary>A compound's true potency: IC50 in nM per (target, assay) it is tested in, and its Hill slope.</summary>
public sealed record CompoundTruth(string CompoundId, double Hill, IReadOnlyDictionary<(Target, AssayType), double> IC50Nm);

/// <summary>
/// How to simulate. <see cref="ProportionalCv"/> and <see cref="AdditiveSd"/> make the well noise;
/// <see cref="PlateIdPrefix"/> starts every plate id (PREFIX-SERT-B-001); <see cref="Assays"/> null means
/// all four (SERT/NET x binding/uptake).
/// </summary>
public sealed record SimulationOptions(
    int Seed = 42,
    PlateFormat Format = PlateFormat.Wells384,
    int ReplicatePlates = 2,
    double ProportionalCv = 0.05,
    double AdditiveSd = 10.0,
    string PlateIdPrefix = "SIM",
    IReadOnlyList<(Target Target, AssayType Assay)>? Assays = null,
    double OutlierRate = 0);

/// <summary>A sample well the simulator made a gross outlier on purpose (a pipetting or reader error).</summary>
public sealed record SimulatedOutlier(string PlateId, string Well, string CompoundId);

/// <summary>
/// Writes realistic plates from a truth table, laid out like the example plates.
/// <para>Layout: column 1 total, column 2 nsb (every row); 11 concentrations, 10 uM down to 0.1 nM in
/// half-log steps, each in duplicate in adjacent wells, so a compound takes 22 wells.
/// 384: one compound per row, columns 3-24 (16 compounds per plate). 1536: two compounds per row,
/// columns 3-24 and 25-46, columns 47-48 empty (64 per plate). 96: the 80 wells of columns 3-12 are
/// filled row by row, 22 wells per compound (A3..C4, C5..E6, E7..G8), 3 compounds per plate, the rest empty.
/// Unused wells are written as role empty. Compounds go on plates in panel order; more plates when
/// they do not fit.</para>
/// <para>Signal: mean = nsb + (total - nsb) / (1 + (c / IC50)^hill). Per plate, the total level is the
/// assay's base (SERT binding 3000, NET binding 3500, SERT uptake 5000, NET uptake 3800) x lognormal
/// (sd 0.12) and nsb is 8-10 % of total x lognormal (sd 0.2), like the example plates. Each well:
/// mean x (1 + ProportionalCv z1) + AdditiveSd z2, floored at 0, rounded to 0.1.</para>
/// <para>Plate ids PREFIX-TARGET-{B|U}-NNN, numbered per (target, assay): replicate 1's plates first.</para>
/// <para>Outliers: with <see cref="SimulationOptions.OutlierRate"/> &gt; 0 each sample well is, with that
/// probability, moved half the control window (total - nsb) away from its curve, towards the middle
/// of the window, before the noise is added.</para>
/// </summary>
public static class PlateSimulator
{
    public const int Concentrations = 11;
    public const int Duplicates = 2;
    public const double TopConcentrationNm = 10_000;

    /// <summary>10 uM down to 0.1 nM in half-log steps.</summary>
    public static IReadOnlyList<double> ConcentrationsNm { get; } =
        Enumerable.Range(0, Concentrations).Select(k => TopConcentrationNm * Math.Pow(10, -k / 2.0)).ToArray();

    public static IReadOnlyList<(Target Target, AssayType Assay)> AllAssays { get; } =
    [
        (Target.Sert, AssayType.Binding),
        (Target.Net, AssayType.Binding),
        (Target.Sert, AssayType.Uptake),
        (Target.Net, AssayType.Uptake),
    ];

    /// <summary>Radioligand (binding) or substrate (uptake) nM and its Kd/Km nM, as in examples/plates/truth.json.</summary>
    public static (double LigandNm, double LigandKdNm) Ligand(Target target, AssayType assay) => (target, assay) switch
    {
        (Target.Sert, AssayType.Binding) => (1.0, 1.5),
        (Target.Net, AssayType.Binding) => (1.0, 0.8),
        (Target.Sert, AssayType.Uptake) => (20.0, 1000.0),
        (Target.Net, AssayType.Uptake) => (20.0, 500.0),
        _ => throw new ArgumentOutOfRangeException(nameof(target), (target, assay), "no ligand known"),
    };

    private static double BaseTotal(Target target, AssayType assay) => (target, assay) switch
    {
        (Target.Sert, AssayType.Binding) => 3000,
        (Target.Net, AssayType.Binding) => 3500,
        (Target.Sert, AssayType.Uptake) => 5000,
        _ => 3800,
    };

    /// <summary>How many compounds fit on one plate of a format.</summary>
    public static int CompoundsPerPlate(PlateFormat format) => CompoundSlots(format).Count;

    public static IReadOnlyList<PlateRead> Simulate(IReadOnlyList<CompoundTruth> panel, SimulationOptions options) =>
        Simulate(panel, options, outliers: null);

    /// <summary>As <see cref="Simulate(IReadOnlyList{CompoundTruth}, SimulationOptions)"/>, and adds every injected outlier to <paramref name="outliers"/>.</summary>
    public static IReadOnlyList<PlateRead> Simulate(IReadOnlyList<CompoundTruth> panel, SimulationOptions options, ICollection<SimulatedOutlier>? outliers)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReplicatePlates, 1);
        if (!PlateFormats.TryFromWellCount((int)options.Format, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Format, "not a plate format");
        }

        var random = new Random(options.Seed);
        var slots = CompoundSlots(options.Format);
        var plates = new List<PlateRead>();
        foreach (var (target, assay) in options.Assays ?? AllAssays)
        {
            var tested = panel.Where(c => c.IC50Nm.ContainsKey((target, assay))).ToArray();
            var number = 0;
            for (var replicate = 0; replicate < options.ReplicatePlates; replicate++)
            {
                for (var start = 0; start < tested.Length; start += slots.Count)
                {
                    number++;
                    var id = string.Create(CultureInfo.InvariantCulture,
                        $"{options.PlateIdPrefix}-{PlateCsv.TargetName(target)}-{(assay == AssayType.Binding ? 'B' : 'U')}-{number:D3}");
                    var onPlate = tested.AsSpan(start, Math.Min(slots.Count, tested.Length - start)).ToArray();
                    plates.Add(SimulatePlate(id, target, assay, onPlate, slots, options, random, outliers));
                }
            }
        }

        return plates;
    }

    private static PlateRead SimulatePlate(string plateId, Target target, AssayType assay,
        CompoundTruth[] compounds, IReadOnlyList<WellPosition[]> slots, SimulationOptions options, Random random,
        ICollection<SimulatedOutlier>? outliers)
    {
        var format = options.Format;
        var total = BaseTotal(target, assay) * Math.Exp(0.12 * Gaussian(random));
        var nsb = total * (assay == AssayType.Binding ? 0.10 : 0.08) * Math.Exp(0.2 * Gaussian(random));

        double Read(double mean) =>
            Math.Round(Math.Max(0, (mean * (1 + (options.ProportionalCv * Gaussian(random)))) + (options.AdditiveSd * Gaussian(random))), 1);

        var content = new Dictionary<WellPosition, WellInput>();
        for (var row = 0; row < PlateFormats.Rows(format); row++)
        {
            var totalWell = new WellPosition(row, 0);
            var nsbWell = new WellPosition(row, 1);
            content[totalWell] = new WellInput(totalWell.ToString(), WellRole.Total, null, null, Read(total));
            content[nsbWell] = new WellInput(nsbWell.ToString(), WellRole.Nsb, null, null, Read(nsb));
        }

        for (var k = 0; k < compounds.Length; k++)
        {
            var compound = compounds[k];
            var ic50 = compound.IC50Nm[(target, assay)];
            if (!(ic50 > 0) || !double.IsFinite(ic50) || !(compound.Hill > 0))
            {
                throw new ArgumentException($"compound {compound.CompoundId}: IC50 and Hill must be finite and > 0", nameof(compounds));
            }

            var wells = slots[k];
            for (var i = 0; i < wells.Length; i++)
            {
                var c = ConcentrationsNm[i / Duplicates];
                var bound = 1.0 / (1.0 + Math.Pow(c / ic50, compound.Hill));

                // Draw only when asked, so plates without outliers stay the same for a seed.
                if (options.OutlierRate > 0 && random.NextDouble() < options.OutlierRate)
                {
                    bound += bound > 0.5 ? -0.5 : 0.5;
                    outliers?.Add(new SimulatedOutlier(plateId, wells[i].ToString(), compound.CompoundId));
                }

                content[wells[i]] = new WellInput(wells[i].ToString(), WellRole.Sample, compound.CompoundId, c,
                    Read(nsb + ((total - nsb) * bound)));
            }
        }

        var all = new List<WellInput>();
        for (var row = 0; row < PlateFormats.Rows(format); row++)
        {
            for (var column = 0; column < PlateFormats.Columns(format); column++)
            {
                var p = new WellPosition(row, column);
                all.Add(content.TryGetValue(p, out var w) ? w : new WellInput(p.ToString(), WellRole.Empty, null, null, null));
            }
        }

        var (ligand, kd) = Ligand(target, assay);
        var validation = PlateRules.Validate(new PlateInput(plateId, target, assay, (int)format, ligand, kd, all));
        return validation.Plate ?? throw new InvalidOperationException(
            "simulated plate broke a rule: " + string.Join("; ", validation.Violations.Select(v => v.Message)));
    }

    /// <summary>The 22 wells of each compound position on a plate, highest concentration first (see class remarks).</summary>
    internal static IReadOnlyList<WellPosition[]> CompoundSlots(PlateFormat format)
    {
        const int wellsPerCompound = Concentrations * Duplicates;
        var rows = PlateFormats.Rows(format);
        var sampleColumns = PlateFormats.Columns(format) - 2;
        var slots = new List<WellPosition[]>();
        var perRow = sampleColumns / wellsPerCompound;
        if (perRow > 0)
        {
            for (var row = 0; row < rows; row++)
            {
                for (var b = 0; b < perRow; b++)
                {
                    slots.Add(Enumerable.Range(0, wellsPerCompound)
                        .Select(i => new WellPosition(row, 2 + (b * wellsPerCompound) + i)).ToArray());
                }
            }
        }
        else
        {
            // Too narrow for a compound per row (96 wells): fill the sample area row by row.
            var area = Enumerable.Range(0, rows * sampleColumns)
                .Select(i => new WellPosition(i / sampleColumns, 2 + (i % sampleColumns))).ToArray();
            for (var start = 0; start + wellsPerCompound <= area.Length; start += wellsPerCompound)
            {
                slots.Add(area[start..(start + wellsPerCompound)]);
            }
        }

        return slots;
    }

    /// <summary>Standard normal by Box-Muller.</summary>
    internal static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
