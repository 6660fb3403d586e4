using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Screening.Embedded;

namespace Screening.Cli.Commands;

/// <summary>`screen serve`: the embedded host (all three services, in-memory bus, SQLite) in the foreground until Ctrl-C.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port")
        {
            Description = "loopback port for gRPC (0 picks a free one)",
            DefaultValueFactory = _ => EmbeddedHostOptions.DefaultPort,
        };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535");
            }
        });
        var httpPort = new Option<int>("--http-port")
        {
            Description = "loopback port for the web view (0 picks a free one)",
            DefaultValueFactory = _ => EmbeddedHostOptions.DefaultHttpPort,
        };
        httpPort.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--http-port must be between 0 and 65535");
            }
        });
        var data = new Option<string>("--data")
        {
            Description = "directory for the SQLite databases",
            HelpName = "DIR",
            DefaultValueFactory = _ => new EmbeddedHostOptions().DataDirectory,
        };
        var command = new Command("serve", "Run the screening server (ingestion, fitting and selectivity in one process) until Ctrl-C.") { port, httpPort, data };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(port), result.GetValue(httpPort), result.GetValue(data)!, cancellationToken), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, int port, int httpPort, string data, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(data);

        // A fresh token for this server unless SCREEN_TOKEN sets one; left where the client finds it.
        var fromEnvironment = Environment.GetEnvironmentVariable(LocalToken.EnvironmentVariable) is { Length: > 0 };
        var token = fromEnvironment ? Environment.GetEnvironmentVariable(LocalToken.EnvironmentVariable)! : LocalToken.NewToken();
        if (!fromEnvironment)
        {
            LocalToken.Save(token);
        }

        var app = EmbeddedHost.Build([], new EmbeddedHostOptions { Port = port, HttpPort = httpPort, DataDirectory = dataDirectory, Token = token });
        await using (app.ConfigureAwait(false))
        {
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                context.Out.WriteLine(
                    $"screening server listening on {EmbeddedHost.Address(app).GetLeftPart(UriPartial.Authority)} (gRPC); data in {dataDirectory}; Ctrl-C to stop");
                context.Out.WriteLine($"web view: {EmbeddedHost.WebViewAddress(app)}?token={token}");
                context.Out.WriteLine(fromEnvironment
                    ? $"token: from ${LocalToken.EnvironmentVariable}"
                    : $"token: {token} (saved in {LocalToken.FilePath}, where `screen` finds it; or set ${LocalToken.EnvironmentVariable})");
            });
            try
            {
                await app.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: a normal stop.
            }
        }

        return ExitCodes.Success;
    }
}
