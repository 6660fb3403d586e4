using BenchmarkDotNet.Attributes;
using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Benchmarks;

/// <summary>
/// The fit kernel (issue 3 "Speed", issue 7 "Benchmarks"). Each invocation fits all
/// <see cref="Curves.Pool"/> pre-generated curves once; OperationsPerInvoke makes the reported
/// time and allocation per fit.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1822 // BenchmarkDotNet runs instance methods.
public class FitKernelBenchmarks
{
    private static readonly FitOptions FourParameter = FitOptions.Default;
    private static readonly FitOptions HillOne = new() { Model = CurveModel.HillOne };
    private static readonly FitOptions FivePL = new() { Model = CurveModel.FiveParameter };

    private double[] _twentyPoints = [];
    private double[][] _twentyPointCurves = [];
    private CompoundCurve[] _twentyTwoPointCurves = [];

    [GlobalSetup]
    public void Setup()
    {
        _twentyPoints = Curves.DuplicateSeries(10);
        _twentyPointCurves = Curves.Responses(_twentyPoints, seed: 20);
        double[] twentyTwo = Curves.DuplicateSeries(11);
        string[] wells = [.. Enumerable.Range(0, twentyTwo.Length).Select(i => $"W{i:D2}")];
        _twentyTwoPointCurves = [.. Curves.Responses(twentyTwo, seed: 22, outlierFraction: 0.05)
            .Select((y, i) => new CompoundCurve($"C{i:D3}", twentyTwo, y, wells))];
    }

    /// <summary>(a) Plain four-parameter fit of a 20-point curve (10 concentrations in duplicate).</summary>
    [Benchmark(OperationsPerInvoke = Curves.Pool, Baseline = true)]
    public double FourParameterFit20Points()
    {
        double sum = 0;
        foreach (double[] y in _twentyPointCurves)
        {
            sum += DoseResponseFitter.Fit(_twentyPoints, y, FourParameter).SumOfSquares;
        }

        return sum;
    }

    /// <summary>(a) The same fits through the allocation-free overload (result written into a struct).</summary>
    [Benchmark(OperationsPerInvoke = Curves.Pool)]
    public double FourParameterFit20PointsIntoStruct()
    {
        double sum = 0;
        foreach (double[] y in _twentyPointCurves)
        {
            DoseResponseFitter.Fit(_twentyPoints, y, FourParameter, out CurveFitValues result);
            sum += result.SumOfSquares;
        }

        return sum;
    }

    /// <summary>
    /// (a) The same fits on two threads at once (each fits the whole pool, through the allocation-free overload):
    /// the time per fit is wall time over the fits of both, so 1e9/ns is the rate of the two cores together.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2 * Curves.Pool)]
    public double FourParameterFit20PointsTwoThreads()
    {
        var sums = new double[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, part =>
        {
            double sum = 0;
            foreach (double[] y in _twentyPointCurves)
            {
                DoseResponseFitter.Fit(_twentyPoints, y, FourParameter, out CurveFitValues result);
                sum += result.SumOfSquares;
            }

            sums[part] = sum;
        });
        return sums[0] + sums[1];
    }

    /// <summary>(c) Hill slope fixed at -1: the three-parameter fit of the same curves.</summary>
    [Benchmark(OperationsPerInvoke = Curves.Pool)]
    public double HillOneFit20Points()
    {
        double sum = 0;
        foreach (double[] y in _twentyPointCurves)
        {
            sum += DoseResponseFitter.Fit(_twentyPoints, y, HillOne).SumOfSquares;
        }

        return sum;
    }

    /// <summary>The five-parameter logistic on the same curves (a 4PL fit for the start, then the 5PL).</summary>
    [Benchmark(OperationsPerInvoke = Curves.Pool)]
    public double FiveParameterFit20Points()
    {
        double sum = 0;
        foreach (double[] y in _twentyPointCurves)
        {
            sum += DoseResponseFitter.Fit(_twentyPoints, y, FivePL).SumOfSquares;
        }

        return sum;
    }

    /// <summary>
    /// (b) The full per-curve analysis of a 22-point curve: plateau policy, ROUT outlier scan,
    /// Hill = 1 vs free Hill F test, intervals, flags and curve class (5 % of curves carry an outlier).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Curves.Pool)]
    public double FullAnalysis22Points()
    {
        double sum = 0;
        foreach (CompoundCurve curve in _twentyTwoPointCurves)
        {
            sum += CompoundAffinityAnalysis.Analyze(curve, null, null).Fit.SumOfSquares;
        }

        return sum;
    }
}
#pragma warning restore CA1822
