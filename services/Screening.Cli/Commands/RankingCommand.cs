using System.CommandLine;
using Screening.Cli.Output;
using Screening.Protos.V1;
using Spectre.Console;

namespace Screening.Cli.Commands;

/// <summary>`screen ranking`: every compound ranked by SERT-versus-NET selectivity, per assay type.</summary>
internal static class RankingCommand
{
    /// <summary>The service's largest page: fewest round trips.</summary>
    public const int PageSize = 1000;

    public static Command Create(CliContext context)
    {
        var assay = new Option<string?>("--assay") { Description = "only this assay type (default: both)" };
        assay.AcceptOnlyFromAmong("binding", "uptake");
        var format = new Option<string>("--format") { Description = "output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var order = new Option<string>("--order")
        {
            Description = "sert: most SERT-selective first; net: most NET-selective first",
            DefaultValueFactory = _ => "sert",
        };
        order.AcceptOnlyFromAmong("sert", "net");
        var includeFailedQc = new Option<bool>("--include-failed-qc") { Description = "also count plates whose Z' failed" };
        var server = ServerConnection.CreateOption();
        var command = new Command("ranking", "Rank compounds by SERT/NET selectivity (Ki_NET / Ki_SERT), separately for binding and uptake.")
        {
            assay, format, order, includeFailedQc, server,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(
                context,
                result.GetValue(assay) is { } a ? [PlateAssay(a)] : [AssayType.Binding, AssayType.Uptake],
                result.GetValue(format)!,
                result.GetValue(order) == "net" ? RankingOrder.NetSelectiveFirst : RankingOrder.SertSelectiveFirst,
                result.GetValue(includeFailedQc),
                result.GetValue(server)!,
                cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, AssayType[] assays, string format, RankingOrder order,
        bool includeFailedQc, string serverAddress, CancellationToken cancellationToken)
    {
        using var server = ServerConnection.Open(serverAddress);
        var rankings = new List<(AssayType Assay, List<RankedCompound> Compounds)>();
        foreach (var assay in assays)
        {
            rankings.Add((assay, await FetchAllAsync(server, assay, order, includeFailedQc, cancellationToken).ConfigureAwait(false)));
        }

        switch (format)
        {
            case "csv":
                await context.Out.WriteAsync(RankingRow.ToCsv(rankings.SelectMany(r => r.Compounds).Select(RankingRow.From))).ConfigureAwait(false);
                break;
            case "json":
                await context.Out.WriteLineAsync(RankingRow.ToJson(rankings.SelectMany(r => r.Compounds).Select(RankingRow.From))).ConfigureAwait(false);
                break;
            default:
                foreach (var (assay, compounds) in rankings)
                {
                    WriteTable(context, assay, compounds);
                }

                break;
        }

        return ExitCodes.Success;
    }

    public static void WriteTable(CliContext context, AssayType assay, IReadOnlyList<RankedCompound> compounds)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compounds);
        var title = Figures.Assay(assay) + " (" + (assay == AssayType.Binding ? "radioligand competition binding" : "reuptake inhibition") + ")";
        if (compounds.Count == 0)
        {
            context.Console.WriteLine(title + ": no ranked compounds yet");
            return;
        }

        context.Console.Write(RankingTable.Create(title, compounds));
    }

    /// <summary>Pages through GetRanking until the service has no next page.</summary>
    public static async Task<List<RankedCompound>> FetchAllAsync(ServerConnection server, AssayType assay, RankingOrder order,
        bool includeFailedQc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var all = new List<RankedCompound>();
        var token = string.Empty;
        do
        {
            var request = new GetRankingRequest
            {
                Assay = assay,
                Order = order,
                PageSize = PageSize,
                PageToken = token,
                IncludeFailedQc = includeFailedQc,
            };
            var page = await server.CallAsync(options => server.Selectivity.GetRankingAsync(request, options), cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Compounds);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));

        return all;
    }

    private static AssayType PlateAssay(string name) => name == "uptake" ? AssayType.Uptake : AssayType.Binding;
}
