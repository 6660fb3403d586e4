using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Screening.ServiceDefaults;

/// <summary>The project's own spans and instruments (OpenTelemetry picks both up by name).</summary>
public static class Telemetry
{
    public const string Name = "Screening";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
