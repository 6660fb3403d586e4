using System.Net;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

using Screening.ServiceDefaults.Security;

namespace Screening.ServiceDefaults;

/// <summary>Section "Endpoints": where a host listens.</summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    /// <summary>gRPC over HTTP/2 (cleartext unless TLS is configured).</summary>
    public string Grpc { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Plain HTTP/1.1 for probes (/alive, /health); none when empty.</summary>
    public string? Http { get; set; }
}

public static class Extensions
{
    /// <summary>Telemetry, health checks, gRPC with reflection and health, and the listening endpoints.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddGrpc(o =>
        {
            // A 1536-well plate is ~100 kB; leave room for bulk requests.
            o.MaxReceiveMessageSize = 16 * 1024 * 1024;
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        builder.Services.AddGrpcReflection();
        // grpc.health.v1 answers "" (and any service name) from the same checks as /health,
        // run on each call rather than from the periodic publisher's cache.
        builder.Services.AddGrpcHealthChecks(o => o.UseHealthChecksCache = false);
        builder.AddScreeningAuth();

        var endpoints = builder.Configuration.GetSection(EndpointOptions.Section).Get<EndpointOptions>() ?? new EndpointOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, endpoints.Grpc, HttpProtocols.Http2);
            if (!string.IsNullOrWhiteSpace(endpoints.Http))
            {
                Listen(kestrel, endpoints.Http, HttpProtocols.Http1);
            }
        });
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Every service method and page demands a permission ([Authorize] policies);
        // health and reflection stay open for probes and tools.
        app.UseAuthentication();
        app.UseAuthorization();
        // Ready: every check (the process, each service database, MassTransit's bus). A
        // degraded bus (an endpoint not yet connected) is not ready either.
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry. Exported by OTLP when the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT (and the other OTEL_* variables) is set, to the console
    /// when OTEL_EXPORTER=console, and nowhere otherwise.
    /// </summary>
    private static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = string.Equals(builder.Configuration["OTEL_EXPORTER"], "console", StringComparison.OrdinalIgnoreCase);

        // Every log line carries the trace and span it was written in: as a scope in the
        // console log, as fields in OTLP.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // Without a formatter name the console logger copies its obsolete options (no scopes) over the formatter's.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<ConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Services.Configure<OpenTelemetryLoggerOptions>(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .WithTracing(t =>
            {
                t.AddSource(Telemetry.Name, DiagnosticHeaders.DefaultListenerName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (console)
                {
                    t.AddConsoleExporter();
                }
            })
            .WithLogging()
            .WithMetrics(m =>
            {
                m.AddMeter(Telemetry.Name, InstrumentationOptions.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddRuntimeInstrumentationIfPresent();
                if (console)
                {
                    m.AddConsoleExporter();
                }
            });
        if (otlp)
        {
            otel.UseOtlpExporter();
        }
    }

    /// <summary>Probes poll every few seconds; their spans would drown the plates' traces.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/grpc.health.v1.Health");

    private static MeterProviderBuilder AddRuntimeInstrumentationIfPresent(this MeterProviderBuilder builder) =>
        builder.AddMeter("System.Runtime");

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var uri = new Uri(url);
        Action<ListenOptions> configure = listen =>
        {
            listen.Protocols = protocols;
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps();
            }
        };
        if (uri.Host is "0.0.0.0" or "*" or "+" or "[::]")
        {
            kestrel.ListenAnyIP(uri.Port, configure);
        }
        else if (uri.IsLoopback)
        {
            kestrel.Listen(IPAddress.Loopback, uri.Port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host), uri.Port, configure);
        }
    }
}
