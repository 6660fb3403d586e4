using MassTransit;
using Screening.ServiceDefaults.Bus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Screening.Contracts;

namespace Screening.Fitting;

/// <summary>
/// Fits each accepted plate and publishes the result. Stateless, so a redelivered plate is
/// simply fitted again to the same numbers; Selectivity keeps one result per plate.
/// </summary>
internal sealed partial class PlateAcceptedConsumer(ILogger<PlateAcceptedConsumer> logger, IOptions<FittingOptions> options) : IConsumer<PlateAccepted>
{
    public async Task Consume(ConsumeContext<PlateAccepted> context)
    {
        if (options.Value.FailPlatesMatching is { Length: > 0 } pattern
            && System.Text.RegularExpressions.Regex.IsMatch(context.Message.PlateId, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new InvalidOperationException($"Plate {context.Message.PlateId}: failure injected by Fitting:FailPlatesMatching.");
        }

        var fitted = PlateFitter.Fit(context.Message);
        await context.Publish(fitted, context.CancellationToken).ConfigureAwait(false);
        LogFitted(logger, fitted.PlateId, fitted.Revision, fitted.Curves.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fitted plate {PlateId} revision {Revision}: {CurveCount} curves")]
    private static partial void LogFitted(ILogger logger, string plateId, int revision, int curveCount);
}

internal sealed class PlateAcceptedConsumerDefinition : ConsumerDefinition<PlateAcceptedConsumer>
{
    public PlateAcceptedConsumerDefinition(IOptions<FittingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConcurrentMessageLimit = options.Value.ConcurrentPlates;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PlateAcceptedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Immediate, bounded retries; then the plate goes to the _error queue and
        // Ingestion marks it failed from the Fault<PlateAccepted>.
        endpointConfigurator.UseMessageRetry(RetryPolicies.Computation);
    }
}
