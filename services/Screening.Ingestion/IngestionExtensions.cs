using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Screening.ServiceDefaults.Bus;
using Screening.ServiceDefaults.Storage;

namespace Screening.Ingestion;

/// <summary>The one wiring of Ingestion, used by its own host and by the embedded host.</summary>
public static class IngestionExtensions
{
    public const string DatabaseName = "ingestion";

    /// <summary>Plates announced but not yet ranked, at most, on the in-memory transport (Outbox:MaxInFlight).</summary>
    public const int DefaultMaxInFlightInMemory = 128;

    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddServiceDatabase(DatabaseName, PlateStore.Migrations);
        builder.Services.AddSingleton(sp => new Outbox(sp.GetRequiredKeyedService<Database>(DatabaseName)));
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        if (builder.Configuration[$"{OutboxOptions.Section}:{nameof(OutboxOptions.MaxInFlight)}"] is null
            && builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() is not { Transport: not BusTransport.InMemory })
        {
            // The in-memory transport queues in this process: keep the backlog in the outbox
            // (on disk) instead. A broker holds its own backlog, so there it is unlimited.
            builder.Configuration[$"{OutboxOptions.Section}:{nameof(OutboxOptions.MaxInFlight)}"] = DefaultMaxInFlightInMemory.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        builder.Services.AddSingleton<IOutboxWork, UnfinishedPlates>();
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
