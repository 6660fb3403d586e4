using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Screening.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>API-key bearer authentication and one authorization policy per permission.</summary>
    public static IHostApplicationBuilder AddScreeningAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            foreach (var permission in Permissions.All)
            {
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(Permissions.ClaimType, permission));
            }
        });
        builder.Services.AddSingleton<SubmissionRateLimiter>();
        return builder;
    }

    /// <summary>For checks inside a method (replace needs admin): PERMISSION_DENIED unless the caller has it.</summary>
    public static void Demand(this ServerCallContext context, string permission, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.GetHttpContext().User.HasClaim(Permissions.ClaimType, permission))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{what} needs the {permission} permission."));
        }
    }
}
