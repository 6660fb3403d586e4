using Grpc.Core;
using Spectre.Console;

namespace Screening.Cli;

/// <summary>An expected failure: printed as one line, no stack trace, with its exit code.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something was rejected or not found.</summary>
    public const int Failure = 1;

    /// <summary>The server could not be reached or did not answer in time.</summary>
    public const int Unreachable = 2;

    public const int Interrupted = 130;
}

/// <summary>Where a command prints, and the wrapper that turns failures into one clear line.</summary>
internal sealed class CliContext
{
    /// <summary>Wide enough for the ranking table when output goes to a pipe or file (Spectre assumes 80).</summary>
    private const int RedirectedWidth = 160;

    public CliContext(TextWriter output, TextWriter error, bool isTerminal)
    {
        Out = output;
        Error = error;
        IsTerminal = isTerminal;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!isTerminal)
        {
            Console.Profile.Width = RedirectedWidth;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool IsTerminal { get; }

    /// <summary>Tables and progress bars; writes to <see cref="Out"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>
    /// Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> steps are done: a Spectre
    /// progress bar at a terminal, otherwise just <paramref name="description"/> as a plain line.
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string description, int total, Func<Action<int>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!IsTerminal)
        {
            await Out.WriteLineAsync(description).ConfigureAwait(false);
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                var result = await work(done => task.Value = done).ConfigureAwait(false);
                task.Value = task.MaxValue;
                return result;
            }).ConfigureAwait(false);
    }

    public async Task<int> RunAsync(Func<Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await Error.WriteLineAsync("screen: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync("screen: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync("screen: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Error.WriteLineAsync("screen: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
