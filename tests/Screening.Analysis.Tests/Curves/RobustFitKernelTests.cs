using System.Runtime.Intrinsics;
using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// The pieces under the faster kernels: the inlined exp and log, the written-out 4 x 4 Cholesky solve, the
/// percentile by selection, and the Lorentzian (ROUT) fit, which must end at the fixed point that iteratively
/// reweighted least squares approaches.
/// </summary>
public class RobustFitKernelTests
{
    private static readonly double[] Duplicates = RobustOutlierTestTests.DuplicateSeries;

    [Fact]
    public void Inlined_exp_is_within_two_ulp_of_Math_Exp_on_the_non_positive_axis()
    {
        var random = new Random(1);
        for (int i = 0; i < 20000; i++)
        {
#pragma warning disable CA5394 // Test inputs, not security.
            double x = i < 10000 ? -750 * random.NextDouble() : -2 * random.NextDouble();
#pragma warning restore CA5394
            double actual = FourParameterKernel.ExpOfNonPositive(Vector256.Create(x)).GetElement(0);
            double expected = Math.Exp(x);
            if (x < -708)
            {
                Assert.True(actual == 0 && expected < 3e-308, $"exp({x}) = {actual}");
                continue;
            }

            Assert.True(Math.Abs(actual - expected) <= 2 * Math.BitIncrement(expected) - (2 * expected), $"exp({x}): {actual} vs {expected}");
        }

        Assert.Equal(0, FourParameterKernel.ExpOfNonPositive(Vector256.Create(double.NegativeInfinity)).GetElement(0));
        Assert.Equal(1, FourParameterKernel.ExpOfNonPositive(Vector256.Create(0.0)).GetElement(0));
        Assert.True(double.IsNaN(FourParameterKernel.ExpOfNonPositive(Vector256.Create(double.NaN)).GetElement(0)));
    }

    [Fact]
    public void Inlined_log_is_within_four_ulp_of_Math_Log_from_one_up()
    {
        var random = new Random(2);
        for (int i = 0; i < 20000; i++)
        {
#pragma warning disable CA5394 // Test inputs, not security.
            double x = i < 10000 ? 1 + (3 * random.NextDouble()) : Math.Exp(700 * random.NextDouble());
#pragma warning restore CA5394
            double actual = FourParameterKernel.LogOfAtLeastOne(Vector256.Create(x)).GetElement(0);
            double expected = Math.Log(x);
            Assert.True(Math.Abs(actual - expected) <= 4 * (Math.BitIncrement(expected) - expected), $"log({x}): {actual} vs {expected}");
        }

        Assert.Equal(0, FourParameterKernel.LogOfAtLeastOne(Vector256.Create(1.0)).GetElement(0));
    }

    [Fact]
    public void Written_out_Cholesky_solves_and_inverse_repeat_the_loops_bit_for_bit()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 4000; trial++)
        {
            int p = trial % 2 == 0 ? 4 : 3;
            // A random symmetric positive-definite J'J from 20 random rows, as in a fit.
            var a = new double[p * p];
            var b = new double[p];
            for (int row = 0; row < 20; row++)
            {
#pragma warning disable CA5394 // Test inputs, not security.
                double[] j = [random.NextDouble(), random.NextDouble(), 100 * (random.NextDouble() - 0.5), 10 * (random.NextDouble() - 0.5)];
                double r = random.NextDouble() - 0.5;
#pragma warning restore CA5394
                for (int i = 0; i < p; i++)
                {
                    b[i] += j[i] * r;
                    for (int k = 0; k < p; k++)
                    {
                        a[(i * p) + k] += j[i] * j[k];
                    }
                }
            }

            var expected = new double[p];
            Assert.True(SolveByLoops([.. a], b, expected, p));
            var actual = new double[p];
            Assert.True(Cholesky.TrySolve([.. a], b, actual, p));
            Assert.Equal(expected, actual);

            // The inverse, column by column from the unit vectors, as TryInvert computes it.
            var inverse = new double[p * p];
            Assert.True(Cholesky.TryInvert(a, inverse, p));
            for (int column = 0; column < p; column++)
            {
                var unit = new double[p];
                unit[column] = 1;
                var x = new double[p];
                Assert.True(SolveByLoops([.. a], unit, x, p));
                for (int i = 0; i < p; i++)
                {
                    Assert.Equal(x[i], inverse[(i * p) + column]);
                }
            }
        }

        Assert.False(Cholesky.TrySolve(new double[16], new double[4], new double[4], 4));
        Assert.False(Cholesky.TrySolve(new double[9], new double[3], new double[3], 3));
    }

    [Fact]
    public void Percentile_by_selection_equals_the_percentile_of_the_sorted_values()
    {
        var random = new Random(4);
        for (int n = 1; n <= 60; n++)
        {
            for (int trial = 0; trial < 20; trial++)
            {
#pragma warning disable CA5394 // Test inputs, not security.
                double[] values = [.. Enumerable.Range(0, n).Select(_ => trial % 3 == 0 ? Math.Round(5 * random.NextDouble()) : random.NextDouble())];
#pragma warning restore CA5394
                double[] sorted = [.. values.Order()];
                double position = 0.6827 * (n - 1);
                int below = (int)Math.Floor(position);
                int above = Math.Min(below + 1, n - 1);
                double expected = sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
                Assert.Equal(expected, RobustOutlierTest.Percentile(values, 0.6827));
            }
        }
    }

    /// <summary>Noisy 22-point curves (SD 4), every third one with a wild well, fitted by least squares first.</summary>
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 30)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lorentzian_fit_ends_where_the_reweighted_gradient_vanishes(int seed)
    {
        double[] y = Curve(seed);
        CurveFitResult fit = DoseResponseFitter.Fit(Duplicates, y, FitOptions.Default);
        double[] scales = [.. Enumerable.Repeat(4.0, y.Length)];
        double[] full = [fit.Estimates.Bottom, fit.Estimates.Top, fit.Estimates.LogIC50, fit.Estimates.HillSlope];
        LeastSquaresOutcome outcome = FourParameterKernel.MinimizeLorentzian(
            Duplicates, y, scales, full, 15, [-200, -200, -13, -10], [300, 300, -2, 10], 100, 1e-10);
        Assert.True(outcome.Converged);

        // sum w_i r_i J_i = 0 (w_i = 1/(1 + (r_i/c)^2)): the IRLS fixed point, relative to the size of its terms. The loss
        // is converged to 1e-9 of itself, which leaves the gradient at about the square root of that.
        var gradient = new double[4];
        var size = new double[4];
        var row = new double[4];
        for (int i = 0; i < y.Length; i++)
        {
            double r = y[i] - FourParameterLogistic.ResponseWithGradient(full[0], full[1], full[2], full[3], Duplicates[i], row);
            double w = 1 / (1 + ((r / 4) * (r / 4)));
            for (int j = 0; j < 4; j++)
            {
                gradient[j] += w * r * row[j];
                size[j] += Math.Abs(w * r * row[j]);
            }
        }

        for (int j = 0; j < 4; j++)
        {
            Assert.True(Math.Abs(gradient[j]) <= 1e-5 * size[j], $"parameter {j}: {gradient[j]} of {size[j]}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Vectorized_and_scalar_Lorentzian_fits_agree(int seed)
    {
        double[] y = Curve(seed);
        CurveFitResult fit = DoseResponseFitter.Fit(Duplicates, y, FitOptions.Default);
        foreach (int length in (int[])[22, 21, 19])
        {
            double[] scales = [.. Enumerable.Range(0, length).Select(i => 3 + (0.1 * i))];
            double[] vector = [fit.Estimates.Bottom, fit.Estimates.Top, fit.Estimates.LogIC50, fit.Estimates.HillSlope];
            double[] scalar = [.. vector];
            FourParameterKernel.MinimizeLorentzian(Duplicates.AsSpan(0, length), y.AsSpan(0, length), scales, vector, 15, [-200, -200, -13, -10], [300, 300, -2, 10], 100, 1e-10);
            FourParameterKernel.Vectorize = false;
            try
            {
                FourParameterKernel.MinimizeLorentzian(Duplicates.AsSpan(0, length), y.AsSpan(0, length), scales, scalar, 15, [-200, -200, -13, -10], [300, 300, -2, 10], 100, 1e-10);
            }
            finally
            {
                FourParameterKernel.Vectorize = true;
            }

            for (int j = 0; j < 4; j++)
            {
                Assert.True(Math.Abs(vector[j] - scalar[j]) <= 1e-6 * (1 + Math.Abs(scalar[j])), $"length {length}, parameter {j}: {vector[j]} vs {scalar[j]}");
            }
        }
    }

    private static double[] Curve(int seed)
    {
        double[] y = RobustOutlierTestTests.NoisyCurve(4, 500 + seed);
        if (seed % 3 == 0)
        {
            y[seed % y.Length] += seed % 2 == 0 ? 40 : -40;
        }

        return y;
    }

    /// <summary>Cholesky-Banachiewicz and the two triangular solves, as loops: the reference for the written-out solve.</summary>
    private static bool SolveByLoops(double[] a, double[] b, double[] x, int p)
    {
        for (int j = 0; j < p; j++)
        {
            double d = a[(j * p) + j];
            for (int k = 0; k < j; k++)
            {
                d -= a[(j * p) + k] * a[(j * p) + k];
            }

            if (!(d > 0))
            {
                return false;
            }

            double l = Math.Sqrt(d);
            a[(j * p) + j] = l;
            for (int i = j + 1; i < p; i++)
            {
                double s = a[(i * p) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= a[(i * p) + k] * a[(j * p) + k];
                }

                a[(i * p) + j] = s / l;
            }
        }

        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= a[(i * p) + k] * x[k];
            }

            x[i] = s / a[(i * p) + i];
        }

        for (int i = p - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < p; k++)
            {
                s -= a[(k * p) + i] * x[k];
            }

            x[i] = s / a[(i * p) + i];
        }

        return true;
    }
}
