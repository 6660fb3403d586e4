using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Screening.Fitting;
using Screening.Ingestion;
using Screening.Selectivity;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Bus;

namespace Screening.Embedded;

/// <summary>How to run the embedded default.</summary>
public sealed record EmbeddedHostOptions
{
    /// <summary>The default address of the embedded host, which the CLI also assumes.</summary>
    public const int DefaultPort = 5080;

    /// <summary>Loopback port for gRPC; 0 picks a free one.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The default port of the web view (plain HTTP/1.1).</summary>
    public const int DefaultHttpPort = 5090;

    /// <summary>
    /// Loopback port for the web view and HTTP health probes; 0 picks a free one. Unset: the
    /// default port, or a free one when <see cref="Port"/> is 0 (tests and `screen demo` run
    /// several hosts at once).
    /// </summary>
    public int? HttpPort { get; init; }

    internal int EffectiveHttpPort => HttpPort ?? (Port == 0 ? 0 : DefaultHttpPort);

    /// <summary>Where the SQLite databases live.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>Only warnings and errors in the log (for `screen demo`).</summary>
    public bool Quiet { get; init; }

    /// <summary>
    /// The bearer token local callers use (all permissions). Unset: $SCREEN_TOKEN if set, else a
    /// fresh random one (see <see cref="LocalToken"/>).
    /// </summary>
    public string? Token { get; init; }
}

/// <summary>
/// The embedded host's token, and where `screen serve` leaves it so the `screen` client on the
/// same machine finds it without a step (`SCREEN_TOKEN` overrides both).
/// </summary>
public static class LocalToken
{
    public const string EnvironmentVariable = "SCREEN_TOKEN";

    /// <summary>~/.config/screening/token (or $XDG_CONFIG_HOME/screening/token), readable by its owner only.</summary>
    public static string FilePath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "screening", "token");

    public static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>The token a local client should send: $SCREEN_TOKEN, else the file `screen serve` wrote, else none.</summary>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        try
        {
            return File.Exists(FilePath) ? File.ReadAllText(FilePath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Save(string token)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, token);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

/// <summary>
/// All three services in one process with MassTransit's in-memory transport and SQLite:
/// the same Add&lt;Service&gt;() wiring as the separate hosts, so nothing needs installing.
/// </summary>
public static class EmbeddedHost
{
    public static WebApplication Build(string[] args, EmbeddedHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(args);

        // Explicit options win over appsettings; environment variables and the command
        // line can still set everything else.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.Port}"),
            ["Endpoints:Http"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.EffectiveHttpPort}"),
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = options.DataDirectory,
            ["Bus:Transport"] = "InMemory",

            // The local caller: every permission. Configured keys (Auth:Keys:0, ...) still apply.
            ["Auth:Keys:local:Name"] = "local",
            ["Auth:Keys:local:Token"] = options.Token ?? Environment.GetEnvironmentVariable(LocalToken.EnvironmentVariable) ?? LocalToken.NewToken(),
            ["Auth:Keys:local:Permissions:0"] = "submit",
            ["Auth:Keys:local:Permissions:1"] = "read",
            ["Auth:Keys:local:Permissions:2"] = "admin",
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", options.Quiet ? LogLevel.Warning : LogLevel.Information);
        if (options.Quiet)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        builder.AddServiceDefaults();
        builder.AddIngestion();
        builder.AddFitting();
        builder.AddSelectivity();
        builder.AddScreeningBus(
            IngestionExtensions.AddIngestionConsumers,
            FittingExtensions.AddFittingConsumers,
            SelectivityExtensions.AddSelectivityConsumers);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapIngestion();
        app.MapFitting();
        app.MapSelectivity();
        return app;
    }

    /// <summary>The web view's ranking page of a started host (the real port when 0 was asked for).</summary>
    public static Uri WebViewAddress(WebApplication app) =>
        SelectivityExtensions.WebViewAddress(app) is { } web
            ? new Uri(web, "ranking")
            : throw new InvalidOperationException("The host has no web view listening.");

    /// <summary>The token that local callers of this host send.</summary>
    public static string Token(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Configuration["Auth:Keys:local:Token"] ?? throw new InvalidOperationException("The embedded host has no local token.");
    }

    /// <summary>The gRPC address a started host listens on (the real port when 0 was asked for).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The host has not started listening.");
        return new Uri(first.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
