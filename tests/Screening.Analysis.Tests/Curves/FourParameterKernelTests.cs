using Screening.Analysis.Curves;

namespace Screening.Analysis.Tests.Curves;

/// <summary>
/// The dedicated four-parameter kernel against the generic Levenberg-Marquardt core, and the
/// allocation-free overload of <see cref="DoseResponseFitter.Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, FitOptions)"/>.
/// </summary>
public class FourParameterKernelTests
{
    private static readonly double[] Duplicates = [.. Enumerable.Range(0, 20).Select(i => -10 + (0.5 * (i / 2)))];

    /// <summary>Noisy 20-point curves, including rising, shallow, partial and flat-ish ones.</summary>
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    private static double[] Curve(int seed)
    {
#pragma warning disable CA5394 // Test noise, not security.
        var random = new Random(seed);
        var truth = new LogisticParameters(
            10 * (random.NextDouble() - 0.5),
            100 + (10 * (random.NextDouble() - 0.5)),
            -11 + (6 * random.NextDouble()),
            (random.NextDouble() < 0.8 ? -1 : 1) * (0.3 + (3 * random.NextDouble())));
        double noise = seed % 5 == 0 ? 30 : 5;
        return SimulatedCurveTests.WithNoise(SimulatedCurveTests.Responses(truth, Duplicates), noise, seed);
#pragma warning restore CA5394
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Scalar_kernel_without_the_sum_of_squares_test_repeats_the_generic_core_bit_for_bit(int seed)
    {
        FourParameterKernel.Vectorize = false;
        try
        {
            RepeatsTheGenericCore(seed);
        }
        finally
        {
            FourParameterKernel.Vectorize = true;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Vectorized_kernel_reaches_the_minimum_of_the_scalar_one(int seed)
    {
        double[] y = Curve(seed);
        double[] fullLower = [-200, -200, -13, -10];
        double[] fullUpper = [300, 300, -2, 10];
        double[] weights = [.. y.Select((v, i) => 1 / Math.Sqrt(1 + (0.01 * (i % 7) * v * v)))];
        foreach (int length in (int[])[20, 19, 18, 17])
        {
        foreach (double[] w in (double[][])[[], weights[..length]])
        {
            foreach (int mask in (int[])[15, 14, 13, 7])
            {
                double[] scalar = [0, 100, -7.5, -1];
                double[] vector = [0, 100, -7.5, -1];
                FourParameterKernel.Vectorize = false;
                LeastSquaresOutcome expected;
                try
                {
                    expected = FourParameterKernel.Minimize(Duplicates.AsSpan(0, length), y.AsSpan(0, length), w, scalar, mask, fullLower, fullUpper, 500, false);
                }
                finally
                {
                    FourParameterKernel.Vectorize = true;
                }

                LeastSquaresOutcome actual = FourParameterKernel.Minimize(Duplicates.AsSpan(0, length), y.AsSpan(0, length), w, vector, mask, fullLower, fullUpper, 500, false);
                Assert.Equal(expected.Converged, actual.Converged);
                Assert.True(Math.Abs(actual.SumOfSquares - expected.SumOfSquares) <= 1e-10 * expected.SumOfSquares, $"{actual.SumOfSquares} vs {expected.SumOfSquares}");
                // Parameters only where they are determined: a LogIC50 outside the tested range sits in a flat valley.
                for (int i = 0; i < 4 && scalar[2] >= -10 && scalar[2] <= -5.5; i++)
                {
                    Assert.True(Math.Abs(vector[i] - scalar[i]) <= 1e-5 * (1 + Math.Abs(scalar[i])), $"parameter {i}: {vector[i]} vs {scalar[i]}");
                }
            }
        }
        }
    }

    [Fact]
    public void Vectorized_residuals_match_the_model_at_every_length()
    {
        double[] y = Curve(3);
        double[] x = [double.NegativeInfinity, .. Duplicates[1..]];
        var parameters = new LogisticParameters(2, 98, -7.3, -1.2);
        double[] full = [parameters.Bottom, parameters.Top, parameters.LogIC50, parameters.HillSlope];
        for (int length = 1; length <= x.Length; length++)
        {
            var residuals = new double[length];
            FourParameterKernel.Residuals(x.AsSpan(0, length), y.AsSpan(0, length), full, residuals);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(y[i] - parameters.ResponseAt(x[i]), residuals[i], 1e-11);
            }
        }
    }

    private static void RepeatsTheGenericCore(int seed)
    {
        double[] y = Curve(seed);
        double[] fullLower = [-200, -200, -13, -10];
        double[] fullUpper = [300, 300, -2, 10];
        double[] start = [0, 100, -7.5, -1];
        double[] fixedValues = [0, 100, double.NaN, -1];
        foreach (int mask in (int[])[15, 14, 13, 12, 7, 6, 5])
        {
            double Fixed(int i) => (mask & (1 << i)) == 0 ? fixedValues[i] : double.NaN;
            var model = new FourParameterLogisticModel(Duplicates, y, Fixed(0), Fixed(1), Fixed(3));
            var free = new double[model.Parameters];
            var lower = new double[model.Parameters];
            var upper = new double[model.Parameters];
            model.Compress(start, free);
            model.Compress(fullLower, lower);
            model.Compress(fullUpper, upper);
            LeastSquaresOutcome generic = LevenbergMarquardt.Minimize(model, free, lower, upper, 200);

            double[] full = [.. start];
            LeastSquaresOutcome kernel = FourParameterKernel.Minimize(Duplicates, y, full, mask, fullLower, fullUpper, 200, false);

            Assert.Equal(generic, kernel);
            LogisticParameters expected = model.Expand(free);
            Assert.Equal([expected.Bottom, expected.Top, expected.LogIC50, expected.HillSlope], full);

            // Weighted, as the ROUT reweighting calls it.
            double[] weights = [.. y.Select((v, i) => 1 / Math.Sqrt(1 + (0.01 * (i % 7) * v * v)))];
            model.Compress(start, free);
            LeastSquaresOutcome weightedGeneric = LevenbergMarquardt.Minimize(new WeightedLeastSquaresModel(model, weights), free, lower, upper, 200);
            full = [.. start];
            LeastSquaresOutcome weightedKernel = FourParameterKernel.Minimize(Duplicates, y, weights, full, mask, fullLower, fullUpper, 200, false);
            Assert.Equal(weightedGeneric, weightedKernel);
            expected = model.Expand(free);
            Assert.Equal([expected.Bottom, expected.Top, expected.LogIC50, expected.HillSlope], full);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Sum_of_squares_test_stops_at_the_same_minimum(int seed)
    {
        double[] y = Curve(seed);
        double[] fullLower = [-200, -200, -13, -10];
        double[] fullUpper = [300, 300, -2, 10];
        double[] exact = [0, 100, -7.5, -1];
        double[] fast = [0, 100, -7.5, -1];
        LeastSquaresOutcome slow = FourParameterKernel.Minimize(Duplicates, y, exact, 15, fullLower, fullUpper, 500, false);
        LeastSquaresOutcome quick = FourParameterKernel.Minimize(Duplicates, y, fast, 15, fullLower, fullUpper, 500, true);
        Assert.True(quick.Iterations <= slow.Iterations);
        Assert.Equal(slow.Converged, quick.Converged);
        if (slow.Converged)
        {
            Assert.True(Math.Abs(quick.SumOfSquares - slow.SumOfSquares) <= 1e-9 * slow.SumOfSquares, $"{quick.SumOfSquares} vs {slow.SumOfSquares}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Struct_overload_gives_the_values_of_the_record(int seed)
    {
        double[] y = Curve(seed);
        foreach (FitOptions options in (FitOptions[])[FitOptions.Default, new() { Model = CurveModel.HillOne }, new() { FixedTop = 100 }, new() { Model = CurveModel.FiveParameter }])
        {
            CurveFitResult record = DoseResponseFitter.Fit(Duplicates, y, options);
            DoseResponseFitter.Fit(Duplicates, y, options, out CurveFitValues values);
            Assert.Equal(CurveFitValues.From(record), values);
            Assert.Equal(record, values.ToResult());
        }
    }

    [Fact]
    public void Struct_overload_allocates_nothing_per_fit()
    {
        double[][] curves = [.. Enumerable.Range(1, 40).Select(Curve)];
        var hillOne = new FitOptions { Model = CurveModel.HillOne };
        double sum = 0;
        foreach (double[] y in curves)
        {
            DoseResponseFitter.Fit(Duplicates, y, FitOptions.Default, out CurveFitValues warm);
            DoseResponseFitter.Fit(Duplicates, y, hillOne, out CurveFitValues warmOne);
            sum += warm.SumOfSquares + warmOne.SumOfSquares;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            foreach (double[] y in curves)
            {
                DoseResponseFitter.Fit(Duplicates, y, FitOptions.Default, out CurveFitValues values);
                DoseResponseFitter.Fit(Duplicates, y, hillOne, out CurveFitValues one);
                sum += values.SumOfSquares + one.SumOfSquares;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }
}
