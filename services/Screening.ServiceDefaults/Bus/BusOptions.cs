using System.ComponentModel.DataAnnotations;

namespace Screening.ServiceDefaults.Bus;

public enum BusTransport
{
    InMemory = 1,
    RabbitMq = 2,
}

/// <summary>Section "Bus".</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>Messages each consumer endpoint takes from the broker ahead of processing.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 32;
}
