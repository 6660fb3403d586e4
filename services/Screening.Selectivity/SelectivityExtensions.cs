using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Screening.Selectivity.WebView;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Storage;

namespace Screening.Selectivity;

/// <summary>The one wiring of Selectivity, used by its own host and by the embedded host.</summary>
public static partial class SelectivityExtensions
{
    public const string DatabaseName = "selectivity";

    public static WebApplicationBuilder AddSelectivity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDatabase(DatabaseName, ResultStore.Migrations);
        builder.Services.AddSingleton(sp => new ResultStore(sp.GetRequiredKeyedService<Database>(DatabaseName)));
        builder.Services.AddSingleton<RankingIndex>();
        builder.Services.AddHostedService<RankingUpdater>();
        builder.Services.AddSingleton<RankingFeed>();
        builder.Services.AddOptions<SelectivityOptions>().BindConfiguration(SelectivityOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.IngestionUrl) || Uri.TryCreate(o.IngestionUrl, UriKind.Absolute, out _), "Selectivity:IngestionUrl must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestionLink>();
        return builder;
    }

    public static void AddSelectivityConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<PlateFittedConsumer, PlateFittedConsumerDefinition>();

    public static WebApplication MapSelectivity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<SelectivityService>();
        app.MapWebView();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (WebViewAddress(app) is { } web)
            {
                var ranking = new Uri(web, "ranking");
                LogWebView(app.Logger, ranking);
            }
        });
        return app;
    }

    /// <summary>
    /// The web view's base address: the plain-HTTP listener (Endpoints:Http), which Kestrel
    /// lists after the gRPC one; null when the host has no HTTP/1.1 endpoint or has not started.
    /// </summary>
    public static Uri? WebViewAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (string.IsNullOrWhiteSpace(app.Configuration[$"{EndpointOptions.Section}:Http"]))
        {
            return null;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        return addresses.Length < 2
            ? null
            : new Uri(addresses[1].Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Web view at {Url}")]
    private static partial void LogWebView(ILogger logger, Uri url);
}
