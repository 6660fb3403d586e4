using MassTransit;
using Screening.ServiceDefaults.Bus;
using Screening.Contracts;
using Screening.ServiceDefaults.Storage;

namespace Screening.Ingestion;

/// <summary>Keeps GetPlate's status true as the plate moves through Fitting and Selectivity.</summary>
internal sealed class PlateStatusConsumer(PlateStore store, Outbox outbox) :
    IConsumer<PlateFitted>,
    IConsumer<PlateRanked>,
    IConsumer<Fault<PlateAccepted>>
{
    public Task Consume(ConsumeContext<PlateFitted> context) =>
        store.AdvanceAsync(context.Message.PlateId, context.Message.ContentHash, PlateStatusNames.Fitted,
            context.Message.Curves.Count, null, context.CancellationToken);

    public async Task Consume(ConsumeContext<PlateRanked> context)
    {
        await store.AdvanceAsync(context.Message.PlateId, context.Message.ContentHash, PlateStatusNames.Ranked,
            context.Message.CurveCount, null, context.CancellationToken).ConfigureAwait(false);

        // Room for more work when the outbox holds plates back (Outbox:MaxInFlight).
        outbox.Signal();
    }

    /// <summary>Fitting gave up on the plate after its retries: the message is in the error queue.</summary>
    public async Task Consume(ConsumeContext<Fault<PlateAccepted>> context)
    {
        var reason = context.Message.Exceptions.FirstOrDefault() is { } e ? $"fitting failed: {e.ExceptionType}: {e.Message}" : "fitting failed";
        await store.AdvanceAsync(context.Message.Message.PlateId, context.Message.Message.ContentHash, PlateStatusNames.Failed,
            null, reason, context.CancellationToken).ConfigureAwait(false);
        outbox.Signal();
    }
}

internal sealed class PlateStatusConsumerDefinition : ConsumerDefinition<PlateStatusConsumer>
{
    public PlateStatusConsumerDefinition() => ConcurrentMessageLimit = 16;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PlateStatusConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(RetryPolicies.Storage);
    }
}
