using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Screening.ServiceDefaults.Security;

/// <summary>
/// Per-caller token bucket on plate submission. Over the limit is RESOURCE_EXHAUSTED (slow
/// down), not UNAVAILABLE (which clients retry at once).
/// </summary>
public sealed class SubmissionRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly int _perSecond;

    public SubmissionRateLimiter(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _perSecond = Math.Max(1, options.Value.SubmitPlatesPerSecond);
        _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 2 * _perSecond,
            TokensPerPeriod = _perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one plate from the caller's bucket, or throws RESOURCE_EXHAUSTED.</summary>
    public void Acquire(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.GetHttpContext().User.Identity?.Name ?? "anonymous";
        using var lease = _limiter.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Caller {caller} is over its submission limit of {_perSecond} plates per second; slow down and resubmit (resubmission is safe)."));
        }
    }

    public void Dispose() => _limiter.Dispose();
}
