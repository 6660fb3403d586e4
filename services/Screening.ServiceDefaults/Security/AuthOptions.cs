namespace Screening.ServiceDefaults.Security;

/// <summary>What a caller may do.</summary>
public static class Permissions
{
    /// <summary>Submit plates.</summary>
    public const string Submit = "submit";

    /// <summary>Read plates, curves and rankings; fit caller-supplied curves.</summary>
    public const string Read = "read";

    /// <summary>Replace plates (and, later, replay failed ones).</summary>
    public const string Admin = "admin";

    public const string ClaimType = "screening.permission";

    public static IReadOnlyList<string> All { get; } = [Submit, Read, Admin];
}

/// <summary>One caller's API key (a bearer token) and what it may do.</summary>
public sealed class ApiKey
{
    /// <summary>Who the caller is: shows in logs and partitions the rate limit.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The token itself (from a secret store or environment variable, never from the repository).</summary>
    public string? Token { get; set; }

    /// <summary>Or its SHA-256 in hex, so the configuration never holds the token.</summary>
    public string? TokenSha256 { get; set; }

    public List<string> Permissions { get; set; } = [];
}

/// <summary>
/// Section "Auth": every gRPC method and web page needs a bearer token from <see cref="Keys"/>
/// (Auth__Keys__0__Name, Auth__Keys__0__Token, Auth__Keys__0__Permissions__0, ...).
/// Health and reflection stay open for probes and tools.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public List<ApiKey> Keys { get; set; } = [];

    /// <summary>Plates one caller may submit per second (token bucket; bursts up to twice that).</summary>
    public int SubmitPlatesPerSecond { get; set; } = 1000;
}
