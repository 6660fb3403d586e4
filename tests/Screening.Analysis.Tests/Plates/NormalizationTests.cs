using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class NormalizationTests
{
    [Theory]
    [InlineData(1000, 100.0)]
    [InlineData(100, 0.0)]
    [InlineData(550, 50.0)]
    [InlineData(50, -5.5555555555555554)]
    public void Percent_specific_is_100_at_total_and_0_at_nsb(double signal, double expected)
    {
        // 100 (signal - mean_nsb) / (mean_total - mean_nsb)
        Assert.Equal(expected, Normalization.PercentSpecific(signal, meanTotal: 1000, meanNsb: 100), 12);
    }

    [Fact]
    public void Curves_group_sample_wells_by_compound_sorted_by_concentration()
    {
        var input = new PlateInput("P", Target.Sert, AssayType.Binding, 96, null, null,
        [
            new WellInput("A1", WellRole.Total, null, null, 1000),
            new WellInput("B1", WellRole.Total, null, null, 1000),
            new WellInput("A2", WellRole.Nsb, null, null, 100),
            new WellInput("B2", WellRole.Nsb, null, null, 100),
            new WellInput("A3", WellRole.Sample, "X", 1000, 190),
            new WellInput("A4", WellRole.Sample, "Y", 10, 550),
            new WellInput("A5", WellRole.Sample, "X", 10, 910),
            new WellInput("A6", WellRole.Sample, "X", 10, 1000),
            new WellInput("A7", WellRole.Empty, null, null, null),
        ]);

        var curves = Normalization.CurvesOf(PlateRules.Validate(input).Plate!);

        Assert.Equal(["X", "Y"], curves.Select(c => c.CompoundId));
        var x = curves[0];
        Assert.Equal(["A5", "A6", "A3"], x.Wells);
        Assert.Equal([-8.0, -8.0, -6.0], x.LogMolar.Select(v => Math.Round(v, 12)));
        Assert.Equal([90.0, 100.0, 10.0], x.PercentSpecific.Select(v => Math.Round(v, 12)));
        Assert.Equal(50.0, Assert.Single(curves[1].PercentSpecific), 12);
    }

    [Fact]
    public void An_example_plate_has_sixteen_curves_of_twenty_two_points()
    {
        var curves = Normalization.CurvesOf(PlateFixtures.ExamplePlate("sert-binding.csv", "PUB-SERT-B1-001"));

        Assert.Equal(16, curves.Count);
        Assert.All(curves, c => Assert.Equal(22, c.LogMolar.Length));
        var reboxetine = curves.Single(c => c.CompoundId == "REBOXETINE");
        Assert.Equal(-5.0, reboxetine.LogMolar[^1], 12);
        Assert.Equal(-10.0, reboxetine.LogMolar[0], 12);
        // A3 = 461.3 at 10 uM: 100 (461.3 - 383.8625) / (2958.10625 - 383.8625)
        var a3 = Array.IndexOf(reboxetine.Wells, "A3");
        Assert.Equal(3.008165019338204, reboxetine.PercentSpecific[a3], 10);
    }
}
