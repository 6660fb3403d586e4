using System.CommandLine;
using System.Globalization;
using Screening.Cli.Submission;
using Screening.Protos.V1;

namespace Screening.Cli.Commands;

/// <summary>`screen submit FILE...`: check plate CSV files locally, send the good plates, report each plate's outcome.</summary>
internal static class SubmitCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "plate CSV files (one row per well, see plate-csv.md)",
            Arity = ArgumentArity.OneOrMore,
        };
        var server = ServerConnection.CreateOption();
        var command = new Command("submit", "Check plate CSV files and submit their plates to the server.") { files, server };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(files)!, result.GetValue(server)!, cancellationToken), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> files, string serverAddress, CancellationToken cancellationToken)
    {
        var output = context.Out;
        var batch = PlateFiles.Read(files);
        foreach (var error in batch.Errors)
        {
            await output.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }

        if (batch.RejectedPlates > 0)
        {
            await output.WriteLineAsync(Invariant($"{batch.RejectedPlates} plate(s) rejected locally and not sent.")).ConfigureAwait(false);
        }

        if (batch.Plates.Count == 0)
        {
            await output.WriteLineAsync("No valid plates to send.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        using var server = ServerConnection.Open(serverAddress);
        var response = await context.WithProgressAsync(
            Invariant($"Submitting {batch.Plates.Count} plate(s) to {server.Display}"),
            batch.Plates.Count,
            sent => PlateUpload.SendAsync(server, batch.Plates.Select(p => p.ToProto()).ToArray(), sent, cancellationToken)).ConfigureAwait(false);

        await ReportAsync(output, response, i => i < batch.Plates.Count ? batch.Plates[i] : null).ConfigureAwait(false);
        return batch.HasErrors || response.Rejected > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>One line per plate, then violations located in the CSV when the plate came from a file.</summary>
    public static async Task ReportAsync(TextWriter output, SubmitPlatesResponse response, Func<int, PlateFromFile?> source)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(source);
        var duplicates = 0;
        foreach (var outcome in response.Outcomes)
        {
            await output.WriteLineAsync(Describe(outcome)).ConfigureAwait(false);
            duplicates += outcome.Duplicate ? 1 : 0;
            if (outcome.Accepted || outcome.Violations.Count == 0)
            {
                continue;
            }

            if (source((int)outcome.Index) is { } plate)
            {
                foreach (var located in PlateFiles.Locate(plate, outcome.Violations))
                {
                    await output.WriteLineAsync("    " + located).ConfigureAwait(false);
                }
            }
            else
            {
                foreach (var v in outcome.Violations)
                {
                    await output.WriteLineAsync($"    {v.Field}: {v.Description}").ConfigureAwait(false);
                }
            }
        }

        var duplicateNote = duplicates > 0 ? Invariant($", {duplicates} duplicate(s)") : string.Empty;
        await output.WriteLineAsync(Invariant(
            $"Server: {response.Accepted - duplicates} accepted{duplicateNote}, {response.Rejected} rejected.")).ConfigureAwait(false);
    }

    public static string Describe(PlateOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Accepted)
        {
            var reason = outcome.ErrorMessage is { Length: > 0 } message ? message : outcome.ErrorCode;
            return $"rejected   {outcome.PlateId}  {reason}";
        }

        var verb = outcome.Duplicate ? "duplicate" : "accepted ";
        var quality = outcome.Quality is { } q ? ZPrime(q) : string.Empty;
        var note = outcome.Duplicate ? "  (identical plate already accepted; nothing new stored)" : string.Empty;
        return $"{verb}  {outcome.PlateId}  {quality}{note}";
    }

    /// <summary>"Z' 0.81", or "Z' 0.31 (below 0.50: kept, left out of rankings)".</summary>
    public static string ZPrime(PlateQuality quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        var z = "Z' " + quality.ZPrime.ToString("0.00", CultureInfo.InvariantCulture);
        return quality.Passed ? z : z + " (below " + quality.ZPrimeThreshold.ToString("0.00", CultureInfo.InvariantCulture) + ": kept, left out of rankings)";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
