using System.CommandLine;
using System.Globalization;
using System.Text;
using Screening.Analysis.Plates;
using Screening.Cli.Submission;

namespace Screening.Cli.Commands;

/// <summary>`screen simulate OUTDIR`: plate CSV files of a simulated panel, one per target and assay, plus truth.json.</summary>
internal static class SimulateCommand
{
    public const string TruthFile = "truth.json";

    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("OUTDIR") { Description = "where to write the CSV files and truth.json (created if missing)" };
        var compounds = CompoundsOption();
        var seed = SeedOption();
        var format = FormatOption();
        var replicates = new Option<int>("--replicates")
        {
            Description = "replicate plates per target and assay",
            DefaultValueFactory = _ => PanelSimulation.DefaultReplicates,
        };
        replicates.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--replicates must be at least 1");
            }
        });
        var command = new Command("simulate", "Write simulated plate CSV files (the 16 reference compounds, then synthetic ones) and their truth.")
        {
            directory, compounds, seed, format, replicates,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(directory)!, result.GetValue(compounds), result.GetValue(seed),
                (PlateFormat)result.GetValue(format), result.GetValue(replicates)),
            cancellationToken));
        return command;
    }

    public static Option<int> CompoundsOption()
    {
        var compounds = new Option<int>("--compounds")
        {
            Description = "compounds in the panel: the reference compounds first (up to 16), then synthetic ones",
            DefaultValueFactory = _ => PanelSimulation.DefaultCompounds,
        };
        compounds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--compounds must be at least 1");
            }
        });
        return compounds;
    }

    /// <summary>`--format 96|384|1536`, 384 by default.</summary>
    public static Option<int> FormatOption()
    {
        var format = new Option<int>("--format")
        {
            Description = "plate format (wells)",
            DefaultValueFactory = _ => (int)PlateFormat.Wells384,
        };
        format.AcceptOnlyFromAmong("96", "384", "1536");
        return format;
    }

    public static Option<int> SeedOption() => new("--seed")
    {
        Description = "random seed for the synthetic compounds and the plate noise",
        DefaultValueFactory = _ => PanelSimulation.DefaultSeed,
    };

    public static async Task<int> RunAsync(CliContext context, string directory, int compounds, int seed, PlateFormat format, int replicates)
    {
        ArgumentNullException.ThrowIfNull(context);
        var panel = PanelSimulation.Panel(compounds, seed);
        var plates = PanelSimulation.Plates(panel, seed, format, replicates);
        Directory.CreateDirectory(directory);
        foreach (var group in plates.GroupBy(p => (p.Target, p.Assay)))
        {
            var path = Path.Combine(directory, PanelSimulation.FileName(group.Key.Target, group.Key.Assay));
            await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                PlateCsv.Write(writer, group);
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: {group.Count()} {(int)format}-well plate(s), {group.Sum(p => p.Wells.Count)} wells")).ConfigureAwait(false);
        }

        var truthPath = Path.Combine(directory, TruthFile);
        await using (var truth = File.Create(truthPath))
        {
            PanelSimulation.WriteTruth(truth, panel, seed, format, replicates);
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wrote {truthPath}: true IC50 and Ki of {panel.Count} compound(s)")).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
