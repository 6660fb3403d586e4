using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Screening.ServiceDefaults.Security;

/// <summary>
/// "Authorization: Bearer &lt;token&gt;" checked against the configured API keys by SHA-256,
/// compared in constant time; the caller's name and permissions become claims. Browsers
/// (the web view) may instead bring the token once as ?token=..., which is then kept in an
/// HttpOnly, SameSite=Strict cookie.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string CookieName = "screening_token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        string? token;
        var fromQuery = false;
        if (!string.IsNullOrEmpty(header))
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.Fail("expected a bearer token"));
            }

            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Query.TryGetValue("token", out var query) && !string.IsNullOrEmpty(query))
        {
            token = query.ToString();
            fromQuery = true;
        }
        else
        {
            token = Request.Cookies[CookieName];
        }

        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        foreach (var key in auth.CurrentValue.Keys)
        {
            if (Hash(key) is { } expected && CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                if (fromQuery)
                {
                    Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true });
                }

                var claims = new List<Claim> { new(ClaimTypes.Name, key.Name) };
                claims.AddRange(key.Permissions.Select(p => new Claim(Permissions.ClaimType, p.Trim().ToLowerInvariant())));
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("unknown token"));
    }

    /// <summary>The token a request came with (header, query or cookie), to pass on to a downstream service.</summary>
    public static string? CallerToken(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return context.Request.Query.TryGetValue("token", out var query) && !string.IsNullOrEmpty(query)
            ? query.ToString()
            : context.Request.Cookies[CookieName];
    }

    private static byte[]? Hash(ApiKey key) =>
        !string.IsNullOrEmpty(key.Token) ? SHA256.HashData(Encoding.UTF8.GetBytes(key.Token))
        : !string.IsNullOrEmpty(key.TokenSha256) ? Convert.FromHexString(key.TokenSha256)
        : null;
}
