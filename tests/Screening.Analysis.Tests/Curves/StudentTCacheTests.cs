using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>Remembered quantiles at whole degrees of freedom are the ones solved afresh.</summary>
public sealed class StudentTCacheTests
{
    [Theory]
    [InlineData(0.975)]
    [InlineData(0.025)]
    [InlineData(0.995)]
    public void Whole_degrees_of_freedom_give_the_same_quantile_every_time_and_match_the_neighbouring_fractional_solve(double p)
    {
        for (var df = 1; df <= 200; df++)
        {
            var first = StudentT.Quantile(p, df);
            Assert.Equal(first, StudentT.Quantile(p, df));

            // The fractional path solves from scratch; the quantile is smooth in df.
            var nearby = StudentT.Quantile(p, df + 1e-9);
            Assert.Equal(first, nearby, Math.Abs(first) * 1e-7);
            Assert.Equal(p, StudentT.CumulativeProbability(first, df), 12);
        }
    }
}
