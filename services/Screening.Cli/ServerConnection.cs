using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Screening.Embedded;
using Screening.Protos.V1;

namespace Screening.Cli;

/// <summary>
/// The one place the CLI talks gRPC: which server, one channel, a deadline on every call, and
/// failures translated into one line a person can act on.
/// </summary>
internal sealed class ServerConnection : IDisposable
{
    public const string EnvironmentVariable = "SCREEN_SERVER";

    /// <summary>A unary call that takes longer than this is treated as a server that does not answer.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;

    public ServerConnection(Uri address, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        token ??= LocalToken.Find();

        // The token travels as call credentials. gRPC drops those on plaintext channels; we
        // allow it only to loopback (the embedded host, a local docker compose): anything
        // else needs https:// for the token to be sent.
        var loopback = address.IsLoopback;
        var credentials = token is null
            ? null
            : CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                EnableMultipleHttp2Connections = true,
            },
            Credentials = credentials is null
                ? null
                : ChannelCredentials.Create(address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = loopback,
        });
        Ingestion = new PlateIngestion.PlateIngestionClient(_channel);
        Selectivity = new global::Screening.Protos.V1.Selectivity.SelectivityClient(_channel);
    }

    public static string DefaultAddress { get; } =
        string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{EmbeddedHostOptions.DefaultPort}");

    public Uri Address { get; }

    /// <summary>The address as people write it: "http://127.0.0.1:5080", no trailing slash.</summary>
    public string Display => Address.AbsolutePath == "/" ? Address.GetLeftPart(UriPartial.Authority) : Address.ToString();

    public PlateIngestion.PlateIngestionClient Ingestion { get; }

    public global::Screening.Protos.V1.Selectivity.SelectivityClient Selectivity { get; }

    /// <summary>`--server URL`, defaulting to $SCREEN_SERVER, then the embedded host's default address.</summary>
    public static Option<string> CreateOption() => new("--server")
    {
        Description = $"gRPC address of the screening server (default: ${EnvironmentVariable}, else {DefaultAddress})",
        HelpName = "URL",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAddress,
    };

    public static ServerConnection Open(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"--server {address} is not an http:// or https:// address", ExitCodes.Unreachable);
        }

        return new ServerConnection(uri);
    }

    public static CallOptions Options(CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        new(deadline: DateTime.UtcNow + (timeout ?? CallTimeout), cancellationToken: cancellationToken);

    /// <summary>A unary call with a deadline; its failure becomes a <see cref="CliException"/>.</summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            using var pending = call(Options(cancellationToken, timeout));
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (!(e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested))
        {
            throw Translate(e, timeout ?? CallTimeout);
        }
    }

    /// <summary>What went wrong, in one line: unreachable and silent servers exit 2, refusals exit 1.</summary>
    public CliException Translate(RpcException failure, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.StatusCode switch
        {
            StatusCode.Unavailable when IsConnectionFailure(failure) || failure.Status.Detail.Contains("connect", StringComparison.OrdinalIgnoreCase) =>
                new CliException($"cannot reach the screening server at {Display}: start one with `screen serve`", ExitCodes.Unreachable),
            StatusCode.Unavailable =>
                new CliException($"the screening server at {Display} is unavailable: {failure.Status.Detail}", ExitCodes.Unreachable),
            StatusCode.DeadlineExceeded =>
                new CliException($"the screening server at {Display} did not answer within {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s", ExitCodes.Unreachable),
            StatusCode.Internal when failure.Status.Detail.Contains("HTTP/1.1", StringComparison.Ordinal) =>
                new CliException($"{Display} is not a gRPC endpoint of a screening server ({failure.Status.Detail})", ExitCodes.Unreachable),
            StatusCode.Unauthenticated =>
                new CliException($"the screening server at {Display} wants a token: set {LocalToken.EnvironmentVariable}, or run where `screen serve` runs (it leaves one in {LocalToken.FilePath}); tokens are sent in clear only to loopback, use https:// otherwise", ExitCodes.Unreachable),
            StatusCode.PermissionDenied =>
                new CliException($"not allowed: {failure.Status.Detail}"),
            StatusCode.Unimplemented =>
                new CliException($"the server at {Display} does not offer this call; is it a screening server? ({failure.Status.Detail})", ExitCodes.Unreachable),
            _ => new CliException(failure.Status.Detail is { Length: > 0 } detail ? detail : failure.StatusCode.ToString()),
        };
    }

    public void Dispose() => _channel.Dispose();

    private static bool IsConnectionFailure(RpcException failure)
    {
        for (Exception? e = failure.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
