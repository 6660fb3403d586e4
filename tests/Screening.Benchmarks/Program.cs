using BenchmarkDotNet.Running;
using Screening.Benchmarks;

// In-process by default: BenchmarkDotNet's default toolchain generates and builds a project per run,
// outside any --artifacts-path and next to whatever else is building on the machine. Pass
// --inProcess yourself, or any --runtimes/--toolchain choice, to decide otherwise.
if (args.Contains("--ranking"))
{
    await RankingAtScale.RunAsync(args);
    return;
}

if (args.Contains("--quick"))
{
    QuickRun.Run(args);
    return;
}

string[] effective = args.Any(a => a.Equals("--inProcess", StringComparison.OrdinalIgnoreCase)
    || a.Equals("--runtimes", StringComparison.OrdinalIgnoreCase) || a.Equals("-r", StringComparison.Ordinal)
    || a.Equals("--toolchain", StringComparison.OrdinalIgnoreCase))
    ? args
    : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(FitKernelBenchmarks).Assembly).Run(effective);
