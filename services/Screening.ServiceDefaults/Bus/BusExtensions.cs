using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Screening.ServiceDefaults.Bus;

public static class BusExtensions
{
    /// <summary>
    /// The one bus of a process, with the consumers of every service it hosts: in-memory for
    /// the embedded default, RabbitMQ in production (section "Bus").
    /// </summary>
    public static IHostApplicationBuilder AddScreeningBus(
        this IHostApplicationBuilder builder,
        params Action<IBusRegistrationConfigurator>[] consumers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();

        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var add in consumers)
            {
                add(bus);
            }

            if (options.Transport == BusTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                    {
                        h.Username(options.Username);
                        h.Password(options.Password);
                        h.PublisherConfirmation = true;
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    cfg.UseInstrumentation();

                    // A publish that no queue is bound to yet comes back (basic.return) and
                    // fails, so the outbox keeps it, instead of the broker dropping it.
                    cfg.ConfigurePublish(p => p.UseExecute(publish => publish.Mandatory = true));
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.UseInstrumentation();
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        // MassTransit calls a bus that lost its broker Degraded; for readiness (/health and
        // grpc.health.v1, which counts Degraded as SERVING) that is not ready.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations.Where(r => r.Tags.Contains("masstransit")))
            {
                var bus = registration.Factory;
                registration.Factory = sp => new NotReadyWhenDegraded(bus(sp));
            }
        });
        return builder;
    }

    private sealed class NotReadyWhenDegraded(IHealthCheck bus) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var result = await bus.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
            return result.Status == HealthStatus.Degraded
                ? new HealthCheckResult(HealthStatus.Unhealthy, result.Description, result.Exception, result.Data)
                : result;
        }
    }
}
