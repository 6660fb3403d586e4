using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Screening.ServiceDefaults.Storage;

namespace Screening.Selectivity;

/// <summary>The one wiring of Selectivity, used by its own host and by the embedded host.</summary>
public static class SelectivityExtensions
{
    public const string DatabaseName = "selectivity";

    public static WebApplicationBuilder AddSelectivity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceDatabase(DatabaseName, ResultStore.Migrations);
        builder.Services.AddSingleton(sp => new ResultStore(sp.GetRequiredKeyedService<Database>(DatabaseName)));
        builder.Services.AddSingleton<RankingCache>();
        builder.Services.AddSingleton<RankingFeed>();
        return builder;
    }

    public static void AddSelectivityConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<PlateFittedConsumer, PlateFittedConsumerDefinition>();

    public static WebApplication MapSelectivity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<SelectivityService>();
        return app;
    }
}
