using System.CommandLine;
using Screening.Cli.Commands;

namespace Screening.Cli;

/// <summary>The `screen` command line, callable in-process so tests can capture what it prints.</summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var context = new CliContext(output, error, IsTerminal(output));
        var root = new RootCommand("screen: submit plate reads, follow them through fitting, and rank compounds by SERT/NET selectivity.")
        {
            ServeCommand.Create(context),
            DemoCommand.Create(context),
            SubmitCommand.Create(context),
            StatusCommand.Create(context),
            CompoundCommand.Create(context),
            RankingCommand.Create(context),
            SimulateCommand.Create(context),
            FitCommand.Create(context),
            ReplayCommand.Create(context),
            PlotCommand.Create(context),
            BenchCommand.Create(context),
        };
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,

            // Our actions turn every expected failure into one line; anything else is a bug worth its stack trace.
            EnableDefaultExceptionHandler = true,

            // Ctrl-C cancels the action's token; give the embedded host time to shut down cleanly.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
        };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Progress bars and colour only for a person at a terminal, never in pipes, files or tests.</summary>
    private static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
}
