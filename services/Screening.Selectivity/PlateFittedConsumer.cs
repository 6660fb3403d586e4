using MassTransit;
using Microsoft.Extensions.Options;
using Screening.ServiceDefaults.Bus;
using Screening.Contracts;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Storage;

using Screening.Selectivity.WebView;

namespace Screening.Selectivity;

/// <summary>
/// Stores each fitted plate once, updates the ranking and tells watchers and Ingestion.
/// A redelivered message stores nothing new; PlateRanked is announced again, which is harmless.
/// </summary>
internal sealed class PlateFittedConsumer(ResultStore store, RankingIndex rankings, IOptions<SelectivityOptions> options) : IConsumer<PlateFitted>
{
    public async Task Consume(ConsumeContext<PlateFitted> context)
    {
        var plate = context.Message;
        if (options.Value.SlowDownPerPlateMs > 0)
        {
            await Task.Delay(options.Value.SlowDownPerPlateMs, context.CancellationToken).ConfigureAwait(false);
        }

        using var activity = Telemetry.Source.StartActivity("ranking update");
        activity?.SetTag("plate.id", plate.PlateId).SetTag("plate.target", plate.Target).SetTag("plate.assay", plate.Assay)
            .SetTag("plate.curve_count", plate.Curves.Count);

        bool stored;
        using (var storing = Telemetry.Source.StartActivity("results store"))
        {
            storing?.SetTag("plate.id", plate.PlateId).SetTag("db.system.name", store.Database.Provider == StorageProvider.Postgres ? "postgresql" : "sqlite");
            stored = await store.StoreAsync(plate, context.CancellationToken).ConfigureAwait(false);
        }

        activity?.SetTag("plate.stored", stored);
        if (stored)
        {
            rankings.PlateStored(plate);
        }

        await context.Publish(new PlateRanked(plate.PlateId, plate.ContentHash, plate.Curves.Count, plate.QcPassed, DateTimeOffset.UtcNow),
            context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class PlateFittedConsumerDefinition : ConsumerDefinition<PlateFittedConsumer>
{
    public PlateFittedConsumerDefinition() => ConcurrentMessageLimit = 4;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PlateFittedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(RetryPolicies.Storage);
    }
}
