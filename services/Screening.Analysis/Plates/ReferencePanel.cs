namespace Screening.Analysis.Plates;

/// <summary>Compounds with known potencies, to simulate plates from.</summary>
public static class ReferencePanel
{
    /// <summary>
    /// The 16 compounds of the example plates (examples/plates/truth.json): IC50s in nM per target and
    /// assay, derived there from literature binding Ki via Cheng-Prusoff with the example assays'
    /// ligand and Kd. VEHICLE-CTRL is inactive (IC50 far above the top concentration).
    /// </summary>
    public static IReadOnlyList<CompoundTruth> Default { get; } =
    [
        Compound("ATOMOXETINE", 1.0, sertBinding: 128.33333333333331, netBinding: 11.25, sertUptake: 78.54, netUptake: 5.2),
        Compound("BUPROPION", 1.0, sertBinding: 150000.0, netBinding: 117000.0, sertUptake: 91800.0, netUptake: 54080.0),
        Compound("CITALOPRAM", 1.0, sertBinding: 1.9333333333333331, netBinding: 9157.5, sertUptake: 1.1832, netUptake: 4232.8),
        Compound("DESIPRAMINE", 1.0, sertBinding: 29.333333333333332, netBinding: 1.8675, sertUptake: 17.952, netUptake: 0.8632),
        Compound("DULOXETINE", 1.0, sertBinding: 1.3333333333333333, netBinding: 16.875, sertUptake: 0.8160000000000001, netUptake: 7.800000000000001),
        Compound("ESCITALOPRAM", 1.0, sertBinding: 1.8333333333333333, netBinding: 17550.0, sertUptake: 1.122, netUptake: 8112.0),
        Compound("FLUOXETINE", 1.0, sertBinding: 1.3499999999999999, netBinding: 540.0, sertUptake: 0.8262, netUptake: 249.60000000000002),
        Compound("IMIPRAMINE", 1.0, sertBinding: 2.333333333333333, netBinding: 83.25, sertUptake: 1.428, netUptake: 38.480000000000004),
        Compound("LEVOMILNACIPRAN", 1.0, sertBinding: 18.666666666666664, netBinding: 207.45000000000002, sertUptake: 19.0, netUptake: 10.5),
        Compound("NISOXETINE", 1.0, sertBinding: 638.3333333333333, netBinding: 1.0350000000000001, sertUptake: 390.66, netUptake: 0.47840000000000005),
        Compound("NORTRIPTYLINE", 1.0, sertBinding: 29.999999999999996, netBinding: 9.8325, sertUptake: 18.36, netUptake: 4.5448),
        Compound("PAROXETINE", 1.0, sertBinding: 0.21666666666666665, netBinding: 90.0, sertUptake: 0.1326, netUptake: 41.6),
        Compound("REBOXETINE", 1.0, sertBinding: 214.99999999999997, netBinding: 2.475, sertUptake: 131.58, netUptake: 1.1440000000000001),
        Compound("SERTRALINE", 1.0, sertBinding: 0.4833333333333333, netBinding: 945.0, sertUptake: 0.2958, netUptake: 436.8),
        Compound("VEHICLE-CTRL", 1.0, sertBinding: 16666666.666666666, netBinding: 22500000.0, sertUptake: 10200000.0, netUptake: 10400000.0),
        Compound("VENLAFAXINE", 1.0, sertBinding: 136.66666666666666, netBinding: 5580.0, sertUptake: 83.64, netUptake: 2579.2000000000003),
    ];

    /// <summary>
    /// Synthetic compounds CMPD-000001.. CMPD-{count}: binding IC50 log-uniform over 0.1 nM - 100 uM per
    /// target (so about one in six lies above the 10 uM top concentration), uptake IC50 =
    /// binding IC50 x 10^N(-0.25, 0.2) (functional potency tracks affinity), Hill N(1, 0.15) kept in
    /// [0.6, 1.8]. Deterministic for a seed.
    /// </summary>
    public static IReadOnlyList<CompoundTruth> Random(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var compounds = new CompoundTruth[count];
        for (var i = 0; i < count; i++)
        {
            var hill = Math.Clamp(1.0 + (0.15 * PlateSimulator.Gaussian(random)), 0.6, 1.8);
            var ic50 = new Dictionary<(Target, AssayType), double>();
            foreach (var target in Enum.GetValues<Target>())
            {
                var logBinding = -1.0 + (6.0 * random.NextDouble());
                var logUptake = logBinding - 0.25 + (0.2 * PlateSimulator.Gaussian(random));
                ic50[(target, AssayType.Binding)] = Math.Pow(10, logBinding);
                ic50[(target, AssayType.Uptake)] = Math.Pow(10, logUptake);
            }

            compounds[i] = new CompoundTruth($"CMPD-{i + 1:D6}", hill, ic50);
        }

        return compounds;
    }

    private static CompoundTruth Compound(string id, double hill, double sertBinding, double netBinding,
        double sertUptake, double netUptake) =>
        new(id, hill, new Dictionary<(Target, AssayType), double>
        {
            [(Target.Sert, AssayType.Binding)] = sertBinding,
            [(Target.Net, AssayType.Binding)] = netBinding,
            [(Target.Sert, AssayType.Uptake)] = sertUptake,
            [(Target.Net, AssayType.Uptake)] = netUptake,
        });
}
