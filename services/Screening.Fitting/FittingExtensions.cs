using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Screening.Fitting;

/// <summary>The one wiring of Fitting, used by its own host and by the embedded host.</summary>
public static class FittingExtensions
{
    public static WebApplicationBuilder AddFitting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<FittingOptions>().BindConfiguration(FittingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static void AddFittingConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<PlateAcceptedConsumer, PlateAcceptedConsumerDefinition>();

    public static WebApplication MapFitting(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<CurveFittingService>();
        return app;
    }
}
