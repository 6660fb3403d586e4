using System.Diagnostics;
using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Benchmarks;

/// <summary>
/// `--quick`: a Stopwatch loop over the same pools as <see cref="FitKernelBenchmarks"/> (best of 5 rounds
/// of ~0.5 s each; wall and process CPU time, the latter less sensitive to other load), with mean LM iterations and bytes allocated per fit. For fast iteration on the kernel;
/// the BenchmarkDotNet run is the reference.
/// </summary>
internal static class QuickRun
{
    public static void Run()
    {
        double[] x = Curves.DuplicateSeries(10);
        double[][] pool = Curves.Responses(x, seed: 20);
        double[] x22 = Curves.DuplicateSeries(11);
        string[] wells = [.. Enumerable.Range(0, x22.Length).Select(i => $"W{i:D2}")];
        CompoundCurve[] curves = [.. Curves.Responses(x22, seed: 22, outlierFraction: 0.05)
            .Select((y, i) => new CompoundCurve($"C{i:D3}", x22, y, wells))];
        var hillOne = new FitOptions { Model = CurveModel.HillOne };

        Measure("4PL, 20 points (record)", pool, y => DoseResponseFitter.Fit(x, y, FitOptions.Default).Iterations);
        Measure("4PL, 20 points (into struct)", pool, y =>
        {
            DoseResponseFitter.Fit(x, y, FitOptions.Default, out CurveFitValues values);
            return values.Iterations;
        });
        Measure("Hill one, 20 points", pool, y => DoseResponseFitter.Fit(x, y, hillOne).Iterations);
        var fivePL = new FitOptions { Model = CurveModel.FiveParameter };
        Measure("5PL, 20 points", pool, y => DoseResponseFitter.Fit(x, y, fivePL).Iterations);
        CurveFitResult[] starts = [.. curves.Select(c => DoseResponseFitter.Fit(c.LogMolar, c.PercentSpecific, FitOptions.Default))];
        int[] indices = [.. Enumerable.Range(0, curves.Length)];
        Measure("  of which: 4PL, 22 points", curves, c => DoseResponseFitter.Fit(c.LogMolar, c.PercentSpecific, FitOptions.Default).Iterations);
        Measure("  of which: ROUT scan", indices, i => RobustOutlierTest.Scan(curves[i].LogMolar, curves[i].PercentSpecific, FitOptions.Default, starts[i].Estimates).Outliers.Count);
        Measure("  of which: t CDF x22", indices, i =>
        {
            double sum = 0;
            for (int j = 0; j < 22; j++)
            {
                sum += StudentT.CumulativeProbability(-0.1 * j, 18);
            }

            return (int)sum;
        });
        Measure("full analysis, 22 points", curves, c => CompoundAffinityAnalysis.Analyze(c, null, null).Fit.Iterations);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Measure<T>(string name, T[] items, Func<T, int> fit)
    {
        long iterations = 0;
        foreach (T item in items)
        {
            iterations += fit(item);
        }

        double best = double.MaxValue;
        double bestCpu = double.MaxValue;
        long bytes = 0;
        long fits = 0;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            int count = 0;
            while (watch.ElapsedMilliseconds < 500)
            {
                foreach (T item in items)
                {
                    fit(item);
                }

                count += items.Length;
            }

            double ns = watch.Elapsed.TotalNanoseconds / count;
            bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds / count);
            bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
            fits = count;
            best = Math.Min(best, ns);
        }

        Console.WriteLine(
            $"{name,-30} {best,8:F0} ns/fit {1e9 / best,8:F0}/s  CPU {bestCpu,8:F0} ns/fit {1e9 / bestCpu,8:F0}/s  {bytes,5} B/fit  {(double)iterations / items.Length,5:F2} iter");
    }
}
