using MassTransit;

namespace Screening.ServiceDefaults.Bus;

/// <summary>
/// How consumers retry, in process (the Debian broker has no delayed-exchange plugin, so
/// there is no delayed redelivery): then the message goes to the endpoint's _error queue.
/// </summary>
public static class RetryPolicies
{
    /// <summary>
    /// For consumers that write to their database: ride out a database restart or a killed
    /// connection (about a minute of exponential back-off) before giving up.
    /// </summary>
    public static void Storage(IRetryConfigurator retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Exponential(12, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>For pure computation: a failure is deterministic, so two immediate tries are enough.</summary>
    public static void Computation(IRetryConfigurator retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Immediate(2);
    }
}
