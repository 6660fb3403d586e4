using MassTransit;
using Screening.ServiceDefaults.Bus;
using Screening.Contracts;

namespace Screening.Ingestion;

/// <summary>Keeps GetPlate's status true as the plate moves through Fitting and Selectivity.</summary>
internal sealed class PlateStatusConsumer(PlateStore store) :
    IConsumer<PlateFitted>,
    IConsumer<PlateRanked>,
    IConsumer<Fault<PlateAccepted>>
{
    public Task Consume(ConsumeContext<PlateFitted> context) =>
        store.AdvanceAsync(context.Message.PlateId, context.Message.ContentHash, PlateStatusNames.Fitted,
            context.Message.Curves.Count, null, context.CancellationToken);

    public Task Consume(ConsumeContext<PlateRanked> context) =>
        store.AdvanceAsync(context.Message.PlateId, context.Message.ContentHash, PlateStatusNames.Ranked,
            context.Message.CurveCount, null, context.CancellationToken);

    /// <summary>Fitting gave up on the plate after its retries: the message is in the error queue.</summary>
    public Task Consume(ConsumeContext<Fault<PlateAccepted>> context)
    {
        var reason = context.Message.Exceptions.FirstOrDefault() is { } e ? $"fitting failed: {e.ExceptionType}: {e.Message}" : "fitting failed";
        return store.AdvanceAsync(context.Message.Message.PlateId, context.Message.Message.ContentHash, PlateStatusNames.Failed,
            null, reason, context.CancellationToken);
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
