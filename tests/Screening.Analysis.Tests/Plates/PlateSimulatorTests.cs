using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateSimulatorTests
{
    private static string WriteCsv(IEnumerable<PlateRead> plates)
    {
        using var writer = new StringWriter();
        PlateCsv.Write(writer, plates);
        return writer.ToString();
    }

    [Fact]
    public void The_same_seed_gives_the_same_plates()
    {
        var options = new SimulationOptions(Seed: 7);
        var a = WriteCsv(PlateSimulator.Simulate(ReferencePanel.Default, options));
        var b = WriteCsv(PlateSimulator.Simulate(ReferencePanel.Default, options));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Another_seed_gives_other_signals()
    {
        var a = WriteCsv(PlateSimulator.Simulate(ReferencePanel.Default, new SimulationOptions(Seed: 1)));
        var b = WriteCsv(PlateSimulator.Simulate(ReferencePanel.Default, new SimulationOptions(Seed: 2)));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(PlateFormat.Wells96, 3)]
    [InlineData(PlateFormat.Wells384, 16)]
    [InlineData(PlateFormat.Wells1536, 64)]
    public void Compounds_per_plate_follow_the_layout(PlateFormat format, int perPlate)
    {
        Assert.Equal(perPlate, PlateSimulator.CompoundsPerPlate(format));
    }

    [Theory]
    [InlineData(PlateFormat.Wells96, 20)]
    [InlineData(PlateFormat.Wells384, 20)]
    [InlineData(PlateFormat.Wells1536, 70)]
    public void Simulated_plates_round_trip_through_write_read_and_validate(PlateFormat format, int compounds)
    {
        var panel = ReferencePanel.Default.Concat(ReferencePanel.Random(compounds - 16, seed: 3)).ToArray();
        var plates = PlateSimulator.Simulate(panel, new SimulationOptions(Format: format));
        var perAssay = (compounds + PlateSimulator.CompoundsPerPlate(format) - 1) / PlateSimulator.CompoundsPerPlate(format);
        Assert.Equal(4 * 2 * perAssay, plates.Count);

        var read = PlateFixtures.Read(WriteCsv(plates), "sim.csv");

        Assert.Empty(read.Errors);
        Assert.Equal(plates.Count, read.Plates.Count);
        for (var i = 0; i < plates.Count; i++)
        {
            var validation = PlateRules.Validate(read.Plates[i].Input);
            Assert.Empty(validation.Violations);
            var back = validation.Plate!;
            Assert.Equal(plates[i] with { Wells = [] }, back with { Wells = [] });
            Assert.Equal((int)format, back.Wells.Count);
            for (var w = 0; w < back.Wells.Count; w++)
            {
                Assert.Equal(plates[i].Wells[w], back.Wells[w]);
            }
        }
    }

    [Fact]
    public void Each_compound_gets_eleven_concentrations_in_duplicate_and_controls_fill_columns_one_and_two()
    {
        var plate = PlateSimulator.Simulate(ReferencePanel.Default, new SimulationOptions())[0];

        Assert.Equal("SIM-SERT-B-001", plate.PlateId);
        Assert.Equal((1.0, 1.5), (plate.LigandNm!.Value, plate.LigandKdNm!.Value));
        Assert.All(plate.Wells.Where(w => w.Position.Column == 0), w => Assert.Equal(WellRole.Total, w.Role));
        Assert.All(plate.Wells.Where(w => w.Position.Column == 1), w => Assert.Equal(WellRole.Nsb, w.Role));
        foreach (var compound in plate.Wells.Where(w => w.Role == WellRole.Sample).GroupBy(w => w.CompoundId))
        {
            Assert.Equal(22, compound.Count());
            Assert.Equal(PlateSimulator.ConcentrationsNm.Order(), compound.Select(w => w.ConcentrationNm!.Value).Distinct().Order());
            Assert.All(compound.GroupBy(w => w.ConcentrationNm), pair => Assert.Equal(2, pair.Count()));
        }

        Assert.Equal(10_000, PlateSimulator.ConcentrationsNm[0]);
        Assert.Equal(0.1, PlateSimulator.ConcentrationsNm[^1], 12);
    }

    [Fact]
    public void Plate_ids_name_target_and_assay_and_are_unique()
    {
        var plates = PlateSimulator.Simulate(ReferencePanel.Default, new SimulationOptions(Format: PlateFormat.Wells96, ReplicatePlates: 3));
        Assert.Equal(plates.Count, plates.Select(p => p.PlateId).Distinct().Count());
        Assert.Contains(plates, p => p.PlateId == "SIM-NET-U-018" && p.Target == Target.Net && p.Assay == AssayType.Uptake);
        Assert.Equal((20.0, 500.0), (plates[^1].LigandNm!.Value, plates[^1].LigandKdNm!.Value));
    }

    [Fact]
    public void Without_noise_percent_specific_follows_the_truth()
    {
        var options = new SimulationOptions(ProportionalCv: 0, AdditiveSd: 0, Assays: [(Target.Sert, AssayType.Binding)], ReplicatePlates: 1);
        var plate = Assert.Single(PlateSimulator.Simulate(ReferencePanel.Default, options));

        foreach (var curve in Normalization.CurvesOf(plate))
        {
            var truth = ReferencePanel.Default.Single(c => c.CompoundId == curve.CompoundId);
            var ic50 = truth.IC50Nm[(Target.Sert, AssayType.Binding)];
            for (var i = 0; i < curve.LogMolar.Length; i++)
            {
                var c = Math.Pow(10, curve.LogMolar[i]) * 1e9;
                var expected = 100 / (1 + Math.Pow(c / ic50, truth.Hill));
                Assert.Equal(expected, curve.PercentSpecific[i], 0.1);
            }
        }
    }

    [Fact]
    public void Simulated_plates_pass_QC_with_noise_like_the_examples()
    {
        foreach (var plate in PlateSimulator.Simulate(ReferencePanel.Default, new SimulationOptions()))
        {
            var qc = PlateQuality.Compute(plate);
            Assert.True(qc.Passed, $"{plate.PlateId}: Z' {qc.ZPrime}");
            Assert.InRange(qc.TotalCvPercent, 2, 9);
            Assert.InRange(qc.SignalToBackground, 5, 25);
        }
    }

    [Fact]
    public void Random_compounds_are_named_deterministic_and_spread_over_the_range()
    {
        var a = ReferencePanel.Random(500, seed: 9);
        var b = ReferencePanel.Random(500, seed: 9);

        Assert.Equal("CMPD-000001", a[0].CompoundId);
        Assert.Equal("CMPD-000500", a[^1].CompoundId);
        Assert.Equal(a.Select(c => c.IC50Nm[(Target.Net, AssayType.Binding)]), b.Select(c => c.IC50Nm[(Target.Net, AssayType.Binding)]));
        var binding = a.Select(c => c.IC50Nm[(Target.Sert, AssayType.Binding)]).ToArray();
        Assert.All(binding, v => Assert.InRange(v, 0.1, 100_000));
        Assert.Contains(binding, v => v > PlateSimulator.TopConcentrationNm);
        Assert.Contains(binding, v => v < 1);
        Assert.All(a, c => Assert.Equal(4, c.IC50Nm.Count));
        Assert.All(a, c => Assert.True(PlateRules.IsValidIdentifier(c.CompoundId)));
    }

    [Fact]
    public void Write_produces_the_spec_header_and_leaves_empty_signals_blank()
    {
        var plate = PlateSimulator.Simulate(ReferencePanel.Default.Take(1).ToArray(),
            new SimulationOptions(Format: PlateFormat.Wells96, ReplicatePlates: 1, Assays: [(Target.Net, AssayType.Uptake)]))[0];
        var lines = WriteCsv([plate]).Split('\n');

        Assert.Equal(PlateFixtures.Header, lines[0]);
        Assert.Contains(lines, l => l.StartsWith("SIM-NET-U-001,NET,uptake,H12,empty,,,,20,500,96", StringComparison.Ordinal));
    }
}
