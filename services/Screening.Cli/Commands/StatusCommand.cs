using System.CommandLine;
using System.Globalization;
using Screening.Cli.Output;
using Screening.Protos.V1;

namespace Screening.Cli.Commands;

/// <summary>`screen status PLATE_ID`: where a plate is in the pipeline, its QC figures and how many curves it gave.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var plateId = new Argument<string>("PLATE_ID") { Description = "the plate barcode" };
        var server = ServerConnection.CreateOption();
        var command = new Command("status", "Show a plate's status, QC figures and curve count.") { plateId, server };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(plateId)!, result.GetValue(server)!, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string plateId, string serverAddress, CancellationToken cancellationToken)
    {
        using var server = ServerConnection.Open(serverAddress);
        var plate = await server.CallAsync(
            options => server.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = plateId }, options), cancellationToken).ConfigureAwait(false);
        var q = plate.Quality ?? new PlateQuality();
        var output = context.Out;
        await output.WriteLineAsync(Invariant($"plate     {plate.PlateId}: {Figures.Target(plate.Target)} {Figures.Assay(plate.Assay)}, {plate.PlateFormat}-well format, {plate.WellCount} wells")).ConfigureAwait(false);
        var detail = plate.StatusDetail is { Length: > 0 } d ? " (" + d + ")" : string.Empty;
        await output.WriteLineAsync($"status    {StatusName(plate.Status)}{detail}").ConfigureAwait(false);
        await output.WriteLineAsync(Invariant(
            $"QC        Z' {q.ZPrime:0.00} ({(q.Passed ? "pass" : "FAIL")}, threshold {q.ZPrimeThreshold:0.00}); signal/background {q.SignalToBackground:0.0}; CV total {q.TotalCvPercent:0.0} %, nsb {q.NsbCvPercent:0.0} %")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"signals   total {q.MeanTotalSignal:0.#}, nsb {q.MeanNsbSignal:0.#} (means)")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"curves    {plate.CurveCount}")).ConfigureAwait(false);
        if (plate.AcceptedAt is { } accepted)
        {
            var updated = plate.UpdatedAt?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? "–";
            await output.WriteLineAsync($"accepted  {accepted.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture)}, updated {updated}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    public static string StatusName(PlateStatus status) => status switch
    {
        PlateStatus.Received => "RECEIVED (waiting for fitting)",
        PlateStatus.Fitted => "FITTED (waiting for ranking)",
        PlateStatus.Ranked => "RANKED",
        PlateStatus.FailedQc => "FAILED_QC (Z' below threshold: kept, left out of rankings)",
        PlateStatus.Failed => "FAILED",
        _ => "UNKNOWN",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
