using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Screening.ServiceDefaults.Storage;

namespace Screening.Ingestion;

/// <summary>The one wiring of Ingestion, used by its own host and by the embedded host.</summary>
public static class IngestionExtensions
{
    public const string DatabaseName = "ingestion";

    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddServiceDatabase(DatabaseName, PlateStore.Migrations);
        builder.Services.AddSingleton(sp => new Outbox(sp.GetRequiredKeyedService<Database>(DatabaseName)));
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        builder.Services.AddHostedService<OutboxDispatcher>();
        builder.Services.AddSingleton(sp => new PlateStore(sp.GetRequiredKeyedService<Database>(DatabaseName), sp.GetRequiredService<Outbox>()));
        builder.Services.AddSingleton<PlateIntake>();
        return builder;
    }

    public static void AddIngestionConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<PlateStatusConsumer, PlateStatusConsumerDefinition>();

    public static WebApplication MapIngestion(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<PlateIngestionService>();
        return app;
    }
}
