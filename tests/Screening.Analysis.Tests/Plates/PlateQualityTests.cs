using Screening.Analysis.Plates;

namespace Screening.Analysis.Tests.Plates;

public class PlateQualityTests
{
    // PUB-SERT-B1-001 (examples/plates/sert-binding.csv), control wells A1..P1 (total) and A2..P2 (nsb).
    // Expected values computed independently (Python statistics.mean/stdev, n - 1):
    //   mean_total 2958.10625, sd_total 171.65990977802596, mean_nsb 383.8625, sd_nsb 29.249202268324073
    //   Z' = 1 - 3 (171.66 + 29.249) / (2958.106 - 383.863) = 0.7658623678744291
    //   S/B = 2958.10625 / 383.8625 = 7.706161060275488
    //   CV% total = 5.803033943693739, CV% nsb = 7.619708168504106
    [Fact]
    public void QC_of_an_example_plate_matches_a_hand_calculation()
    {
        var qc = PlateQuality.Compute(PlateFixtures.ExamplePlate("sert-binding.csv", "PUB-SERT-B1-001"));

        Assert.Equal(2958.10625, qc.MeanTotal, 9);
        Assert.Equal(383.8625, qc.MeanNsb, 9);
        Assert.Equal(0.7658623678744291, qc.ZPrime, 12);
        Assert.Equal(7.706161060275488, qc.SignalToBackground, 12);
        Assert.Equal(5.803033943693739, qc.TotalCvPercent, 10);
        Assert.Equal(7.619708168504106, qc.NsbCvPercent, 10);
        Assert.True(qc.Passed);
        Assert.Equal(0.5, qc.ZPrimeThreshold);
    }

    [Fact]
    public void A_plate_fails_when_Z_prime_is_below_the_threshold()
    {
        var qc = PlateQuality.Compute(PlateFixtures.ExamplePlate("sert-binding.csv", "PUB-SERT-B1-001"), zPrimeThreshold: 0.8);
        Assert.False(qc.Passed);
        Assert.Equal(0.8, qc.ZPrimeThreshold);
    }

    [Fact]
    public void Small_controls_give_the_textbook_values()
    {
        // total 90, 110 -> mean 100, sd 14.142; nsb 8, 12 -> mean 10, sd 2.828
        // Z' = 1 - 3 (14.142 + 2.828) / 90 = 1 - 50.91 / 90 = 0.434: below the 0.5 pass mark
        var qc = PlateQuality.Compute(Plate([90, 110], [8, 12]));

        Assert.Equal(1 - (3 * (Math.Sqrt(200) + Math.Sqrt(8)) / 90), qc.ZPrime, 12);
        Assert.Equal(10, qc.SignalToBackground, 12);
        Assert.Equal(100 * Math.Sqrt(200) / 100, qc.TotalCvPercent, 12);
        Assert.Equal(100 * Math.Sqrt(8) / 10, qc.NsbCvPercent, 12);
        Assert.False(qc.Passed);
    }

    [Fact]
    public void Signal_to_background_is_infinite_when_nsb_reads_zero()
    {
        var qc = PlateQuality.Compute(Plate([100, 100], [0, 0]));
        Assert.Equal(double.PositiveInfinity, qc.SignalToBackground);
        Assert.Equal(1.0, qc.ZPrime);
    }

    [Fact]
    public void Equal_total_and_nsb_means_never_pass()
    {
        var qc = PlateQuality.Compute(Plate([10, 12], [12, 10]));
        Assert.Equal(double.NegativeInfinity, qc.ZPrime);
        Assert.False(qc.Passed);
    }

    internal static PlateRead Plate(double[] total, double[] nsb)
    {
        var wells = new List<WellInput>();
        for (var i = 0; i < total.Length; i++)
        {
            wells.Add(new WellInput($"A{i + 1}", WellRole.Total, null, null, total[i]));
        }

        for (var i = 0; i < nsb.Length; i++)
        {
            wells.Add(new WellInput($"B{i + 1}", WellRole.Nsb, null, null, nsb[i]));
        }

        wells.Add(new WellInput("C1", WellRole.Sample, "X", 1, 50));
        return PlateRules.Validate(new PlateInput("Q", Target.Net, AssayType.Uptake, null, null, null, wells)).Plate!;
    }
}
