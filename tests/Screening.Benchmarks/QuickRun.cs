using System.Diagnostics;
using Screening.Analysis.Affinity;
using Screening.Analysis.Curves;
using Screening.Analysis.Plates;

namespace Screening.Benchmarks;

/// <summary>
/// `--quick [--only TEXT]`: a Stopwatch loop over the same pools as <see cref="FitKernelBenchmarks"/> (a
/// warm-up, then best of 5 rounds of ~0.5 s each; wall and process CPU time, the latter less sensitive to
/// other load; "quietest", the fastest single pass over the pool, the speed of an uninterrupted thread),
/// with mean LM iterations and bytes allocated per fit. The "2 threads" lines run the same loop on two
/// threads at once and report fits/s of both together (CPU is the process's, per fit).
/// `--only` keeps the measurements whose name contains TEXT (for profiling one of them).
/// For fast iteration on the kernel; the BenchmarkDotNet run is the reference.
/// </summary>
internal static class QuickRun
{
    private const int Rounds = 5;
    private const int RoundMilliseconds = 500;

    public static void Run(string[] args)
    {
        int only = Array.IndexOf(args, "--only");
        string filter = only >= 0 && only + 1 < args.Length ? args[only + 1] : string.Empty;
        double[] x = Curves.DuplicateSeries(10);
        double[][] pool = Curves.Responses(x, seed: 20);
        double[] x22 = Curves.DuplicateSeries(11);
        string[] wells = [.. Enumerable.Range(0, x22.Length).Select(i => $"W{i:D2}")];
        CompoundCurve[] curves = [.. Curves.Responses(x22, seed: 22, outlierFraction: 0.05)
            .Select((y, i) => new CompoundCurve($"C{i:D3}", x22, y, wells))];
        var hillOne = new FitOptions { Model = CurveModel.HillOne };
        var fivePL = new FitOptions { Model = CurveModel.FiveParameter };
        CurveFitResult[] starts = [.. curves.Select(c => DoseResponseFitter.Fit(c.LogMolar, c.PercentSpecific, FitOptions.Default))];
        int[] indices = [.. Enumerable.Range(0, curves.Length)];
        int IntoStruct(double[] y)
        {
            DoseResponseFitter.Fit(x, y, FitOptions.Default, out CurveFitValues values);
            return values.Iterations;
        }

        void Run<T>(string name, T[] items, Func<T, int> fit, int threads = 1)
        {
            if (name.Contains(filter, StringComparison.Ordinal))
            {
                Measure(name, items, fit, threads);
            }
        }

        Run("4PL, 20 points (record)", pool, y => DoseResponseFitter.Fit(x, y, FitOptions.Default).Iterations);
        Run("4PL, 20 points (into struct)", pool, IntoStruct);
        Run("4PL, 20 points, 2 threads", pool, IntoStruct, threads: 2);
        Run("Hill one, 20 points", pool, y => DoseResponseFitter.Fit(x, y, hillOne).Iterations);
        Run("5PL, 20 points", pool, y => DoseResponseFitter.Fit(x, y, fivePL).Iterations);
        Run("  of which: 4PL, 22 points", curves, c => DoseResponseFitter.Fit(c.LogMolar, c.PercentSpecific, FitOptions.Default).Iterations);
        Run("  of which: ROUT scan", indices, i => RobustOutlierTest.Scan(curves[i].LogMolar, curves[i].PercentSpecific, FitOptions.Default, starts[i].Estimates).Outliers.Count);
        Run("full analysis, 22 points", curves, c => CompoundAffinityAnalysis.Analyze(c, null, null).Fit.Iterations);
        Run("full analysis, 22 points, 2 threads", curves, c => CompoundAffinityAnalysis.Analyze(c, null, null).Fit.Iterations, threads: 2);
        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static void Measure<T>(string name, T[] items, Func<T, int> fit, int threads)
    {
        long iterations = 0;
        foreach (T item in items)
        {
            iterations += fit(item);
        }

        // Warm-up long enough for tiered compilation to settle (tier 1 with PGO) before anything is timed.
        Loop(items, fit, threads, RoundMilliseconds, out _);

        double best = double.MaxValue;
        double bestCpu = double.MaxValue;
        double quietest = double.MaxValue;
        long bytes = 0;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            long count = Loop(items, fit, threads, RoundMilliseconds, out double fastestPass);
            watch.Stop();
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds;
            bytes = (GC.GetTotalAllocatedBytes(precise: true) - before) / count;
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / count);
            bestCpu = Math.Min(bestCpu, cpu / count);
            quietest = Math.Min(quietest, fastestPass);
        }

        // With several threads, "ns/fit" is wall time per fit of all threads together: 1e9/ns is their total rate.
        // "quietest": the fastest single pass over the pool (about 1 ms) of any thread, per fit: the speed of a
        // thread that was not interrupted, which other jobs on a loaded machine disturb least; x threads for the total.
        Console.WriteLine(
            $"{name,-38} {best,8:F0} ns/fit {1e9 / best,8:F0}/s  CPU {bestCpu,8:F0} ns/fit {1e9 / bestCpu,8:F0}/s  quietest {quietest,6:F0} ns/fit {threads * 1e9 / quietest,8:F0}/s  {bytes,5} B/fit  {(double)iterations / items.Length,5:F2} iter");
    }

    /// <summary>
    /// Fits the whole pool over and over on <paramref name="threads"/> threads for about <paramref name="milliseconds"/>;
    /// returns the fits done, and the fastest single pass over the pool per fit in <paramref name="fastestPass"/> (ns).
    /// </summary>
    private static long Loop<T>(T[] items, Func<T, int> fit, int threads, int milliseconds, out double fastestPass)
    {
        var counts = new long[threads];
        var fastest = new double[threads];
        var watch = Stopwatch.StartNew();
        if (threads == 1)
        {
            counts[0] = LoopOne(items, fit, watch, milliseconds, out fastest[0]);
        }
        else
        {
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int index = t;
                workers[t] = new Thread(() => counts[index] = LoopOne(items, fit, watch, milliseconds, out fastest[index]));
                workers[t].Start();
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }
        }

        fastestPass = fastest.Max();
        return counts.Sum();
    }

    private static long LoopOne<T>(T[] items, Func<T, int> fit, Stopwatch watch, int milliseconds, out double fastestPass)
    {
        long count = 0;
        long fastest = long.MaxValue;
        while (watch.ElapsedMilliseconds < milliseconds)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (T item in items)
            {
                fit(item);
            }

            fastest = Math.Min(fastest, Stopwatch.GetTimestamp() - start);
            count += items.Length;
        }

        fastestPass = fastest * (1e9 / Stopwatch.Frequency) / items.Length;
        return count;
    }
}
