using System.CommandLine;
using Screening.Plots;
using Screening.Protos.V1;

namespace Screening.Cli.Commands;

/// <summary>
/// `screen plot compound|selectivity|plate ... -o FILE`: the web view's SVG plots, drawn from
/// the same gRPC answers (Selectivity for compounds and the map, Ingestion for plates).
/// </summary>
internal static class PlotCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("plot", "Draw a plot as SVG: a compound's curves, the selectivity map, or a plate's heat map.");

        var compoundId = new Argument<string>("COMPOUND_ID") { Description = "the compound identifier" };
        var compoundOut = OutputOption();
        var compoundServer = ServerConnection.CreateOption();
        var compound = new Command("compound", "SERT and NET concentration-response curves of a compound, per assay type.") { compoundId, compoundOut, compoundServer };
        compound.SetAction((result, ct) => context.RunAsync(
            () => WriteAsync(context, result.GetValue(compoundServer)!, result.GetValue(compoundOut)!, async server =>
                DoseResponsePlot.Render(await server.CallAsync(
                    o => server.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = result.GetValue(compoundId)! }, o), ct).ConfigureAwait(false))),
            ct));

        var assay = new Option<string>("--assay") { Description = "assay type", DefaultValueFactory = _ => "binding" };
        assay.AcceptOnlyFromAmong("binding", "uptake");
        var mapOut = OutputOption();
        var mapServer = ServerConnection.CreateOption();
        var map = new Command("selectivity", "pKi(SERT) against pKi(NET) of every ranked compound, with 1-1000-fold diagonals.") { assay, mapOut, mapServer };
        map.SetAction((result, ct) => context.RunAsync(
            () => WriteAsync(context, result.GetValue(mapServer)!, result.GetValue(mapOut)!, async server =>
                SelectivityMapPlot.Render(await RankingCommand.FetchAllAsync(
                    server, result.GetValue(assay) == "uptake" ? AssayType.Uptake : AssayType.Binding, RankingOrder.SertSelectiveFirst, includeFailedQc: false, ct).ConfigureAwait(false))),
            ct));

        var plateId = new Argument<string>("PLATE_ID") { Description = "the plate identifier" };
        var plateOut = OutputOption();
        var plateServer = ServerConnection.CreateOption();
        var plate = new Command("plate", "Heat map of a plate's raw signal in plate layout, controls outlined, Z' in the title.") { plateId, plateOut, plateServer };
        plate.SetAction((result, ct) => context.RunAsync(
            () => WriteAsync(context, result.GetValue(plateServer)!, result.GetValue(plateOut)!, async server =>
                PlateHeatMap.Render(await server.CallAsync(
                    o => server.Ingestion.GetPlateAsync(new GetPlateRequest { PlateId = result.GetValue(plateId)!, IncludeWells = true }, o), ct).ConfigureAwait(false))),
            ct));

        command.Subcommands.Add(compound);
        command.Subcommands.Add(map);
        command.Subcommands.Add(plate);
        return command;
    }

    private static Option<string> OutputOption() => new("--output", "-o")
    {
        Description = "the SVG file to write (\"-\" for standard output)",
        HelpName = "FILE",
        Required = true,
    };

    private static async Task<int> WriteAsync(CliContext context, string serverAddress, string output, Func<ServerConnection, Task<string>> render)
    {
        using var server = ServerConnection.Open(serverAddress);
        var svg = await render(server).ConfigureAwait(false);
        if (output == "-")
        {
            await context.Out.WriteAsync(svg).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var path = Path.GetFullPath(output);
        if (Path.GetDirectoryName(path) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, svg).ConfigureAwait(false);
        await context.Out.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
