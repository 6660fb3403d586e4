using System.CommandLine;
using Screening.Protos.V1;

namespace Screening.Cli.Commands;

/// <summary>`screen replay [PLATE_ID...] [--failed]`: announce plates again after the cause of a failure is fixed (admin).</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var plateIds = new Argument<string[]>("PLATE_ID") { Description = "plates to announce again", Arity = ArgumentArity.ZeroOrMore };
        var failed = new Option<bool>("--failed") { Description = "every plate whose status is FAILED" };
        var server = ServerConnection.CreateOption();
        var command = new Command("replay", "Fit plates again as first accepted (after fixing what made them fail); needs the admin permission.")
        {
            plateIds, failed, server,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(plateIds) ?? [], result.GetValue(failed), result.GetValue(server)!, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string[] plateIds, bool failed, string serverAddress, CancellationToken cancellationToken)
    {
        if (plateIds.Length == 0 && !failed)
        {
            throw new CliException("name plates to replay, or --failed for every failed plate");
        }

        using var server = ServerConnection.Open(serverAddress);
        var request = new ReplayPlatesRequest { AllFailed = failed };
        request.PlateIds.AddRange(plateIds);
        var response = await server.CallAsync(options => server.Ingestion.ReplayPlatesAsync(request, options), cancellationToken).ConfigureAwait(false);
        foreach (var id in response.Replayed)
        {
            await context.Out.WriteLineAsync($"replayed   {id}").ConfigureAwait(false);
        }

        foreach (var id in response.NotFound)
        {
            await context.Out.WriteLineAsync($"not found  {id}").ConfigureAwait(false);
        }

        await context.Out.WriteLineAsync($"{response.Replayed.Count} plate(s) announced again; `screen status` follows them.").ConfigureAwait(false);
        return response.NotFound.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
