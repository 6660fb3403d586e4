using System.CommandLine;
using System.Globalization;
using Screening.Analysis.Plates;
using Screening.Cli.Bench;
using Screening.Cli.Submission;
using Screening.Embedded;

namespace Screening.Cli.Commands;

/// <summary>
/// `screen bench`: the whole pipeline under load. Simulates a campaign of plates up front, submits them over gRPC
/// with a number of calls in flight (optionally capped in plates per second), follows each plate to its
/// RankingUpdate on a WatchRanking stream opened first, and reports throughput, submit-to-ranked latency and
/// each local service process's CPU and peak memory. Without --server it benchmarks the embedded default,
/// started in this process on a temporary data directory.
/// </summary>
internal static class BenchCommand
{
    public const int DefaultPlates = 2000;
    public const int DefaultConcurrency = 8;

    /// <summary>Two plates per target and assay, not timed: the first plates pay for JIT compilation and connections.</summary>
    public const int DefaultWarmupPlates = 8;

    private static readonly TimeSpan WarmupTimeout = TimeSpan.FromMinutes(2);

    public static Command Create(CliContext context)
    {
        var server = new Option<string?>("--server")
        {
            Description = "gRPC address of Ingestion (default: start the embedded server in this process, on a temporary data directory)",
            HelpName = "URL",
        };
        var selectivity = new Option<string?>("--selectivity")
        {
            Description = "gRPC address of Selectivity, for WatchRanking (default: --server; separate in the distributed layout)",
            HelpName = "URL",
        };
        var plates = Range(new Option<int>("--plates") { Description = "plates to submit", DefaultValueFactory = _ => DefaultPlates }, 1, 1_000_000);
        var format = SimulateCommand.FormatOption();
        var concurrency = Range(
            new Option<int>("--concurrency") { Description = "SubmitPlate calls in flight at once", DefaultValueFactory = _ => DefaultConcurrency }, 1, 1024);
        var rate = new Option<double?>("--rate")
        {
            Description = "submit at most this many plates per second (open loop: plate i is sent at i / rate s); default: as fast as accepted",
            HelpName = "PLATES_PER_S",
        };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } value && !(value > 0 && double.IsFinite(value)))
            {
                r.AddError("--rate must be a number of plates per second above 0");
            }
        });
        var warmup = Range(new Option<int>("--warmup")
        {
            Description = "plates submitted and ranked before timing starts, not counted",
            DefaultValueFactory = _ => DefaultWarmupPlates,
        }, 0, 10_000);
        var timeout = Range(new Option<int?>("--timeout")
        {
            Description = "seconds to wait for the ranking after the last plate is accepted (default: 120 + 0.25 per plate)",
            HelpName = "SECONDS",
        }, 1, 86_400);
        var seed = SimulateCommand.SeedOption();
        var measure = new Option<string[]>("--measure")
        {
            Description = "meter this local process and its children as LABEL (repeatable; default: the Screening.* service processes found on this machine)",
            HelpName = "LABEL=PID",
            Arity = ArgumentArity.ZeroOrMore,
        };
        measure.Validators.Add(r =>
        {
            foreach (var value in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (ParseMeasure(value) is null)
                {
                    r.AddError($"--measure {value}: expected LABEL=PID, e.g. fitting-1=12345");
                }
            }
        });
        var json = new Option<bool>("--json") { Description = "print the report as JSON (nothing else on stdout)" };
        var command = new Command("bench", "Benchmark the pipeline end to end: submit simulated plates, wait until each is ranked, report throughput, latency, CPU and memory.")
        {
            server, selectivity, plates, format, concurrency, rate, warmup, timeout, seed, measure, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(selectivity) is not null && r.GetValue(server) is null)
            {
                r.AddError("--selectivity needs --server: the embedded server is one address");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var platesValue = result.GetValue(plates);
            var settings = new BenchSettings(
                result.GetValue(server),
                result.GetValue(selectivity),
                platesValue,
                (PlateFormat)result.GetValue(format),
                new BenchLoad(result.GetValue(concurrency), result.GetValue(rate),
                    result.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : PlateProgress.Timeout(platesValue)),
                result.GetValue(warmup),
                result.GetValue(seed),
                (result.GetValue(measure) ?? []).Select(m => ParseMeasure(m)!).ToArray(),
                result.GetValue(json));
            return context.RunAsync(() => RunAsync(context, settings, cancellationToken), cancellationToken);
        });
        return command;
    }

    private sealed record BenchSettings(
        string? Server,
        string? Selectivity,
        int Plates,
        PlateFormat Format,
        BenchLoad Load,
        int WarmupPlates,
        int Seed,
        IReadOnlyList<MeteredProcess> Measure,
        bool Json);

    private static async Task<int> RunAsync(CliContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        Task Say(string line) => settings.Json ? Task.CompletedTask : context.Out.WriteLineAsync(line);

        var runId = BenchCampaign.NewRunId();
        await Say(Invariant($"Simulating {settings.Plates} {(int)settings.Format}-well plates (run {runId})...")).ConfigureAwait(false);
        var campaign = BenchCampaign.Simulate("BENCH-" + runId, settings.Plates, settings.Format, settings.Seed);
        var warmup = settings.WarmupPlates > 0 ? BenchCampaign.Simulate("BENCH-" + runId + "-W", settings.WarmupPlates, settings.Format, settings.Seed) : null;
        await Say(Invariant(
            $"{campaign.Plates.Count} plates, {campaign.Compounds:N0} compounds, {campaign.TotalCurves:N0} curves, {campaign.Bytes / 1e6:0.0#} MB on the wire; ids {campaign.PlateIdPrefix}-*")).ConfigureAwait(false);

        if (settings.Server is null)
        {
            return await RunEmbeddedAsync(context, settings, runId, campaign, warmup, Say, cancellationToken).ConfigureAwait(false);
        }

        if (settings.Measure.FirstOrDefault(m => !ProcessMeter.Exists(m.Pid)) is { } gone)
        {
            throw new CliException(Invariant($"--measure {gone.Label}={gone.Pid}: no such process on this machine"));
        }

        using var ingestion = ServerConnection.Open(settings.Server);
        using var separateSelectivity = settings.Selectivity is { } s && s != settings.Server ? ServerConnection.Open(s) : null;
        var selectivity = separateSelectivity ?? ingestion;
        var processes = settings.Measure.Count > 0 ? settings.Measure : ingestion.Address.IsLoopback ? ProcessMeter.FindServices() : [];
        var note = !ProcessMeter.IsAvailable ? "/proc is not available here: CPU and memory of the services are not measured"
            : settings.Measure.Count > 0 ? null
            : !ingestion.Address.IsLoopback ? $"{ingestion.Display} is not on this machine: its CPU and memory are not measured here (only this client's)"
            : processes.Count == 0 ? "no local Screening.* service processes found: name them with --measure LABEL=PID"
            : "service processes found by name on this machine (choose them with --measure LABEL=PID when other deployments run here)";
        var setup = new BenchSetup(runId, ingestion.Display, selectivity.Display, Embedded: false, (int)settings.Format,
            settings.Load.Concurrency, settings.Load.PlatesPerSecond, settings.WarmupPlates, null);
        await Say($"Benchmarking Ingestion at {ingestion.Display}, Selectivity at {selectivity.Display}.").ConfigureAwait(false);
        return await MeasureAsync(context, settings, setup, ingestion, selectivity, campaign, warmup,
            [new MeteredProcess("bench client", Environment.ProcessId), .. processes], note, Say, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunEmbeddedAsync(CliContext context, BenchSettings settings, string runId, BenchCampaign campaign, BenchCampaign? warmup,
        Func<string, Task> say, CancellationToken cancellationToken)
    {
        var self = new MeteredProcess("embedded host + bench client", Environment.ProcessId);
        var before = ProcessMeter.Sample([self]).GetValueOrDefault(self);
        var dataDirectory = Directory.CreateTempSubdirectory("screen-bench-").FullName;
        try
        {
            // One caller sends everything, so the per-caller submission limit would measure the policy, not the pipeline;
            // the host's log goes to stderr so that --json leaves stdout to the report.
            string[] hostArguments = ["--Auth:SubmitPlatesPerSecond=1000000", "--Logging:Console:LogToStandardErrorThreshold=Trace"];
            var app = EmbeddedHost.Build(hostArguments, new EmbeddedHostOptions { Port = 0, DataDirectory = dataDirectory, Quiet = true, Token = LocalToken.NewToken() });
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                using var server = new ServerConnection(EmbeddedHost.Address(app), EmbeddedHost.Token(app));
                await say($"Started the embedded server at {server.Display} (in-memory bus, SQLite in {dataDirectory}; submission rate limit lifted).").ConfigureAwait(false);
                var note = before is null
                    ? null
                    : Invariant($"embedded: this one process is the three services and the client; {before.ResidentBytes / 1e6:0} MB were resident before the server started (runtime and simulated plates)");
                var setup = new BenchSetup(runId, server.Display, server.Display, Embedded: true, (int)settings.Format,
                    settings.Load.Concurrency, settings.Load.PlatesPerSecond, settings.WarmupPlates, null);
                var exit = await MeasureAsync(context, settings, setup, server, server, campaign, warmup, [self], note, say, cancellationToken).ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return exit;
            }
        }
        finally
        {
            DemoCommand.TryDelete(dataDirectory);
        }
    }

    private static async Task<int> MeasureAsync(CliContext context, BenchSettings settings, BenchSetup setup, ServerConnection ingestion,
        ServerConnection selectivity, BenchCampaign campaign, BenchCampaign? warmup, IReadOnlyList<MeteredProcess> processes, string? note,
        Func<string, Task> say, CancellationToken cancellationToken)
    {
        // Long enough for the warm-up, a slow submission (a second a plate) and the wait for the ranking.
        var lifetime = WarmupTimeout + TimeSpan.FromSeconds(60 + settings.Plates) + settings.Load.Timeout;
        var watch = RankingWatch.Start(selectivity, lifetime, cancellationToken);
        await using (watch.ConfigureAwait(false))
        {
            if (warmup is not null)
            {
                await say(Invariant($"Warming up with {warmup.Plates.Count} plates (not timed)...")).ConfigureAwait(false);
                var warm = await BenchRun.RunAsync(ingestion, watch, warmup, settings.Load with { Timeout = WarmupTimeout }, null, cancellationToken).ConfigureAwait(false);
                var warmReport = BenchReport.From(setup, warmup, warm, [], null, null, null, null);
                if (!warmReport.Complete)
                {
                    throw new CliException(Invariant(
                        $"the warm-up plates were not all ranked ({warmReport.Ranked + warmReport.RankedWithoutUpdate} of {warmReport.Plates}, {warmReport.Rejected} rejected, {warmReport.Failed} failed): is every service running?"));
                }

                setup = setup with { WarmupSeconds = warmReport.EndToEndSeconds };
                await say(Invariant($"Warm-up ranked in {warmReport.EndToEndSeconds:0.0} s{(warmReport.RankedWithoutUpdate > 0 ? "; some updates were not seen on the ranking stream" : string.Empty)}.")).ConfigureAwait(false);
            }

            await say(Invariant(
                $"Submitting {campaign.Plates.Count} plates with {settings.Load.Concurrency} calls in flight{(settings.Load.PlatesPerSecond is { } r ? Invariant($", at most {r:0.#} plates/s") : string.Empty)}...")).ConfigureAwait(false);
            var loadAtStart = LoadAverage();
            var before = ProcessMeter.Sample(processes);
            var run = await BenchRun.RunAsync(ingestion, watch, campaign, settings.Load, settings.Json ? null : say, cancellationToken).ConfigureAwait(false);
            var after = ProcessMeter.Sample(processes);
            var report = BenchReport.From(setup, campaign, run, ProcessMeter.Usage(processes, before, after), note, watch.Failure?.Message, loadAtStart, LoadAverage());
            if (settings.Json)
            {
                await context.Out.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync().ConfigureAwait(false);
                await context.Out.WriteAsync(report.ToText()).ConfigureAwait(false);
            }

            return report.Complete ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    /// <summary>"fitting-1=12345" as a process to meter; null when malformed.</summary>
    private static MeteredProcess? ParseMeasure(string value)
    {
        var parts = value.Split('=', 2);
        return parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? new MeteredProcess(parts[0], pid)
            : null;
    }

    /// <summary>The 1-minute load average of this machine (null off Linux).</summary>
    private static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Option<T> Range<T>(Option<T> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>() is int value && (value < min || value > max))
            {
                r.AddError(Invariant($"{option.Name} must be between {min} and {max}"));
            }
        });
        return option;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
