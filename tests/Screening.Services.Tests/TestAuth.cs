using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Grpc.Net.Client;

namespace Screening.Services.Tests;

/// <summary>
/// The tests' callers. Every host a test starts (the embedded host, or service processes)
/// accepts <see cref="Token"/> with every permission; the security tests add narrower keys.
/// </summary>
internal static class TestAuth
{
    /// <summary>Also SCREEN_TOKEN of the test process, which the embedded host and the CLI take by default.</summary>
    public const string Token = "test-token-all-permissions";

    [ModuleInitializer]
    internal static void UseTestToken() => Environment.SetEnvironmentVariable("SCREEN_TOKEN", Token);

    /// <summary>A gRPC channel that sends <paramref name="token"/> (none when null) on every call.</summary>
    public static GrpcChannel Channel(Uri address, string? token = Token, HttpMessageHandler? inner = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new Bearer(token, inner ?? new SocketsHttpHandler()) });

    public static HttpMessageHandler Handler(string? token, HttpMessageHandler inner) => new Bearer(token, inner);

    private sealed class Bearer(string? token, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
