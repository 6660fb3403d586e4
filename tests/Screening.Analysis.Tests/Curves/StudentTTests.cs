using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

public class StudentTTests
{
    // Reference quantiles from standard t tables (R qt() to 8 significant digits).
    [Theory]
    [InlineData(0.975, 1, 12.7062047)]
    [InlineData(0.975, 2, 4.30265273)]
    [InlineData(0.975, 6, 2.44691185)]
    [InlineData(0.975, 20, 2.08596345)]
    [InlineData(0.975, 120, 1.97993040)]
    [InlineData(0.995, 10, 3.16927267)]
    [InlineData(0.95, 3, 2.35336343)]
    public void Quantile_matches_tabulated_values_to_8_digits(double probability, double degreesOfFreedom, double expected)
    {
        Digits.AtLeast(8, StudentT.Quantile(probability, degreesOfFreedom), expected, $"t({probability}, {degreesOfFreedom})");
    }

    [Fact]
    public void Quantile_is_antisymmetric_about_one_half()
    {
        Assert.Equal(-StudentT.Quantile(0.975, 6), StudentT.Quantile(0.025, 6), 12);
        Assert.Equal(0, StudentT.Quantile(0.5, 6));
    }

    [Theory]
    [InlineData(0.6, 3)]
    [InlineData(0.975, 7)]
    [InlineData(0.9999, 4)]
    [InlineData(0.001, 30)]
    public void Cumulative_probability_inverts_the_quantile(double probability, double degreesOfFreedom)
    {
        double t = StudentT.Quantile(probability, degreesOfFreedom);
        Assert.Equal(probability, StudentT.CumulativeProbability(t, degreesOfFreedom), 12);
    }

    [Theory]
    [InlineData(double.NaN, 5)]
    [InlineData(1.5, 5)]
    [InlineData(0.975, 0)]
    [InlineData(0.975, double.NaN)]
    public void Invalid_arguments_give_NaN(double probability, double degreesOfFreedom)
    {
        Assert.True(double.IsNaN(StudentT.Quantile(probability, degreesOfFreedom)));
    }
}
