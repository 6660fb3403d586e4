using System.CommandLine;
using System.Globalization;
using Screening.Cli.Output;
using Screening.Protos.V1;
using Spectre.Console;

namespace Screening.Cli.Commands;

/// <summary>`screen compound COMPOUND_ID`: the compound's selectivity per assay and every curve behind it.</summary>
internal static class CompoundCommand
{
    public static Command Create(CliContext context)
    {
        var compoundId = new Argument<string>("COMPOUND_ID") { Description = "the compound identifier" };
        var server = ServerConnection.CreateOption();
        var command = new Command("compound", "Show a compound's SERT/NET selectivity per assay and all its curves.") { compoundId, server };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(compoundId)!, result.GetValue(server)!, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string compoundId, string serverAddress, CancellationToken cancellationToken)
    {
        using var server = ServerConnection.Open(serverAddress);
        var compound = await server.CallAsync(
            options => server.Selectivity.GetCompoundAsync(new GetCompoundRequest { CompoundId = compoundId }, options), cancellationToken).ConfigureAwait(false);
        var console = context.Console;
        console.WriteLine(compound.CompoundId);
        if (compound.Summaries.Count == 0)
        {
            console.WriteLine("  not ranked yet (no curve from a plate that passed QC)");
        }

        foreach (var s in compound.Summaries)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Figures.Assay(s.Assay),-8} SERT Ki {Interval(s.Sert)}, NET Ki {Interval(s.Net)}; fold NET/SERT {Figures.Fold(s.SelectivityFold, s.SelectivityQualifier, s.SelectivityCi95Low, s.SelectivityCi95High)}; prefers {Figures.Preference(s.Preference)} (rank {s.Rank})"));
            if (s.AssaysDisagree)
            {
                console.WriteLine("           binding and uptake point opposite ways: report them separately");
            }
        }

        var table = new Table()
            .AddColumn("plate")
            .AddColumn("target")
            .AddColumn("assay")
            .AddColumn(new TableColumn("Z'").RightAligned())
            .AddColumn(new TableColumn("IC50 [[95 % CI]]").RightAligned())
            .AddColumn(new TableColumn("Hill").RightAligned())
            .AddColumn(new TableColumn("Ki").RightAligned())
            .AddColumn("class")
            .AddColumn("status")
            .AddColumn("flags, masked wells");
        foreach (var c in compound.Curves.OrderBy(c => c.Assay).ThenBy(c => c.Target).ThenBy(c => c.PlateId, StringComparer.Ordinal))
        {
            var fit = c.Fit ?? new CurveFit();
            table.AddRow(
                new Text(c.PlateId),
                new Text(Figures.Target(c.Target)),
                new Text(Figures.Assay(c.Assay)),
                new Text(c.PlateZPrime.ToString("0.00", CultureInfo.InvariantCulture) + (c.PlateQcPassed ? string.Empty : " (failed QC)")),
                new Text(Figures.NanomolarWithInterval(fit.Ic50)),
                new Text(fit.Status == FitStatus.Converged ? fit.HillSlope.ToString("0.00", CultureInfo.InvariantCulture) : "–"),
                new Text(Figures.Nanomolar(c.Ki)),
                new Text(fit.CurveClass),
                new Text(FitStatusName(fit.Status) + (fit.HillModel == HillModel.One ? ", Hill 1" : string.Empty)),
                new Text(string.Join(", ", fit.Flags.Concat(fit.MaskedWells.Select(w => "masked " + w)))));
        }

        console.Write(table);
        return ExitCodes.Success;
    }

    public static string FitStatusName(FitStatus status) => status switch
    {
        FitStatus.Converged => "converged",
        FitStatus.NotConverged => "not converged",
        FitStatus.TooFewPoints => "too few points",
        FitStatus.InvalidInput => "invalid input",
        FitStatus.Flat => "flat (inactive)",
        _ => "unknown",
    };

    private static string Interval(TargetPotency? potency) =>
        potency is null ? "–" : Figures.NanomolarWithInterval(potency.Ki) + (potency.IsIc50 ? " (IC50)" : string.Empty);
}
