using Grpc.Core;
using Screening.Protos.V1;

namespace Screening.Cli.Submission;

/// <summary>Sends plates over one client-streaming SubmitPlates call, the server's bulk path.</summary>
internal static class PlateUpload
{
    /// <summary>The whole stream's deadline: a minute, plus time per plate for big uploads.</summary>
    public static TimeSpan Timeout(int plates) => TimeSpan.FromSeconds(60 + (0.5 * plates));

    public static async Task<SubmitPlatesResponse> SendAsync(ServerConnection server, IReadOnlyList<Plate> plates,
        Action<int>? sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(plates);
        var timeout = Timeout(plates.Count);
        using var call = server.Ingestion.SubmitPlates(ServerConnection.Options(cancellationToken, timeout));
        try
        {
            for (var i = 0; i < plates.Count; i++)
            {
                await call.RequestStream.WriteAsync(new SubmitPlateRequest { Plate = plates[i] }, cancellationToken).ConfigureAwait(false);
                sent?.Invoke(i + 1);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            // The call ended early (refused, unreachable, past its deadline): its status comes with the response below.
        }
        catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested)
        {
            // "The call is complete": likewise.
        }

        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (!(e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested))
        {
            throw server.Translate(e, timeout);
        }
    }
}
