using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Screening.Analysis.Plates;
using Screening.Cli.Output;
using Screening.Cli.Submission;
using Screening.Embedded;
using Screening.Protos.V1;
using AssayType = Screening.Protos.V1.AssayType;

namespace Screening.Cli.Commands;

/// <summary>
/// `screen demo`: the whole pipeline in one command, nothing to install or clean up. Starts the embedded
/// host on a free loopback port, submits simulated plates over gRPC, waits for them to be ranked and prints
/// both rankings.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The compounds the summary calls out: one clean SSRI, and one whose preference flips between assays.</summary>
    private static readonly string[] Highlighted = ["ESCITALOPRAM", "LEVOMILNACIPRAN"];

    public static Command Create(CliContext context)
    {
        var compounds = SimulateCommand.CompoundsOption();
        var seed = SimulateCommand.SeedOption();
        var keep = new Option<string?>("--keep")
        {
            Description = "keep the server's databases in this directory (default: a temporary one, deleted afterwards)",
            HelpName = "DIR",
        };
        var command = new Command("demo", "Start a private server, submit simulated plates of 16 reference compounds, and show both rankings.")
        {
            compounds, seed, keep,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(compounds), result.GetValue(seed), result.GetValue(keep), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, int compounds, int seed, string? keep, CancellationToken cancellationToken)
    {
        var output = context.Out;
        var clock = Stopwatch.StartNew();
        var dataDirectory = keep is null
            ? Directory.CreateTempSubdirectory("screen-demo-").FullName
            : Directory.CreateDirectory(keep).FullName;
        try
        {
            var app = EmbeddedHost.Build([], new EmbeddedHostOptions { Port = 0, DataDirectory = dataDirectory, Quiet = true });
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                using var server = new ServerConnection(EmbeddedHost.Address(app), EmbeddedHost.Token(app));
                await output.WriteLineAsync($"Started a private screening server at {server.Display} (data in {dataDirectory}).").ConfigureAwait(false);

                var panel = PanelSimulation.Panel(compounds, seed);
                var plates = PanelSimulation.Plates(panel, seed, PlateFormat.Wells384, PanelSimulation.DefaultReplicates);
                await output.WriteLineAsync(Invariant(
                    $"Simulated {plates.Count} 384-well plates: {panel.Count} compounds x SERT/NET x binding/uptake x {PanelSimulation.DefaultReplicates} replicates.")).ConfigureAwait(false);

                var exit = await SubmitAndRankAsync(context, server, plates, cancellationToken).ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync(Invariant($"Done in {clock.Elapsed.TotalSeconds:0.0} s.")).ConfigureAwait(false);
                if (keep is not null)
                {
                    await output.WriteLineAsync(Invariant(
                        $"Browse the results: `screen serve --data {dataDirectory}`, then open http://127.0.0.1:{EmbeddedHostOptions.DefaultHttpPort}/ranking")).ConfigureAwait(false);
                }
                return exit;
            }
        }
        finally
        {
            if (keep is null)
            {
                TryDelete(dataDirectory);
            }
        }
    }

    /// <summary>Submits, waits for every plate to finish, prints both rankings and the highlights.</summary>
    internal static async Task<int> SubmitAndRankAsync(CliContext context, ServerConnection server, IReadOnlyList<PlateRead> plates,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(plates);
        var output = context.Out;
        var protos = plates.Select(p => p.ToInput().ToProto()).ToArray();
        var response = await context.WithProgressAsync(
            Invariant($"Submitting {protos.Length} plates over gRPC"),
            protos.Length,
            sent => PlateUpload.SendAsync(server, protos, sent, cancellationToken)).ConfigureAwait(false);
        var accepted = response.Outcomes.Where(o => o.Accepted).Select(o => o.PlateId).ToArray();
        if (response.Rejected > 0)
        {
            await SubmitCommand.ReportAsync(output, response, _ => null).ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var lowQc = response.Outcomes.Count(o => o.Quality is { Passed: false });
        await output.WriteLineAsync(Invariant(
            $"{accepted.Length} plates accepted{(lowQc > 0 ? $", {lowQc} below the Z' threshold (kept, left out of rankings)" : string.Empty)}; fitting curves and ranking...")).ConfigureAwait(false);

        var timeout = PlateProgress.Timeout(accepted.Length);
        var finished = await context.WithProgressAsync(
            "Fitting and ranking",
            accepted.Length,
            done => PlateProgress.WaitAsync(server, accepted, timeout, done, cancellationToken)).ConfigureAwait(false);
        var failed = finished.Where(p => p.Status == PlateStatus.Failed).ToArray();
        foreach (var plate in failed)
        {
            await output.WriteLineAsync($"plate {plate.PlateId} FAILED: {plate.StatusDetail}").ConfigureAwait(false);
        }

        var rankings = new Dictionary<AssayType, List<RankedCompound>>();
        foreach (var assay in new[] { AssayType.Binding, AssayType.Uptake })
        {
            rankings[assay] = await RankingCommand.FetchAllAsync(server, assay, RankingOrder.SertSelectiveFirst, includeFailedQc: false, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            RankingCommand.WriteTable(context, assay, rankings[assay]);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (var (assay, ranked) in rankings)
        {
            await output.WriteLineAsync(AssaySummary(assay, ranked)).ConfigureAwait(false);
        }

        foreach (var id in Highlighted)
        {
            if (Highlight(id, rankings) is { } line)
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        return failed.Length > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>"binding: 16 compounds ranked: 9 SERT-preferring, 5 NET-preferring, 2 without a preference".</summary>
    public static string AssaySummary(AssayType assay, IReadOnlyList<RankedCompound> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        int sert = ranked.Count(c => c.Preference == Preference.Sert), net = ranked.Count(c => c.Preference == Preference.Net);
        return Invariant(
            $"{Figures.Assay(assay)}: {ranked.Count} compounds ranked: {sert} SERT-preferring, {net} NET-preferring, {ranked.Count - sert - net} without a preference.");
    }

    /// <summary>"levomilnacipran: SERT-preferring in binding (8.3×), NET-preferring in uptake (0.55×)".</summary>
    public static string? Highlight(string compoundId, IReadOnlyDictionary<AssayType, List<RankedCompound>> rankings)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var parts = new List<string>();
        foreach (var (assay, ranked) in rankings)
        {
            if (ranked.Find(c => c.CompoundId == compoundId) is not { } c)
            {
                continue;
            }

            var call = c.Preference switch
            {
                Preference.Sert => "SERT-preferring",
                Preference.Net => "NET-preferring",
                _ => "no clear preference",
            };
            var fold = Figures.Fold(c.SelectivityFold, c.SelectivityQualifier, 0, 0);
            parts.Add($"{call} in {Figures.Assay(assay)} ({fold})");
        }

#pragma warning disable CA1308 // a drug name in running text, not a normalized key
        return parts.Count == 0 ? null : compoundId.ToLowerInvariant() + ": " + string.Join(", ", parts);
#pragma warning restore CA1308
    }

    /// <summary>Removes a temporary data directory, if it can.</summary>
    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is harmless; the OS cleans it up.
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
