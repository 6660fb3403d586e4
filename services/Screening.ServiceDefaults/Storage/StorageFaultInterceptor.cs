using System.Data.Common;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Screening.ServiceDefaults.Storage;

/// <summary>
/// A database that is down or restarting is a transient condition, not a server bug: callers
/// get UNAVAILABLE (retry later) instead of UNKNOWN/INTERNAL. Nothing was acknowledged, so a
/// retry is safe (submission is idempotent).
/// </summary>
public sealed class StorageFaultInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
    }

    internal static void Register(IServiceCollection services) =>
        services.Configure<GrpcServiceOptions>(o =>
        {
            if (!o.Interceptors.Any(i => i.Type == typeof(StorageFaultInterceptor)))
            {
                o.Interceptors.Add<StorageFaultInterceptor>();
            }
        });

    private static RpcException Unavailable(DbException e) =>
        new(new Status(StatusCode.Unavailable, "The database is not available right now; nothing was stored. Retry shortly.", e));
}
