using System.Runtime.CompilerServices;

namespace Screening.Cli.Tests;

/// <summary>
/// The CLI and the embedded hosts these tests start both take SCREEN_TOKEN, so they agree on
/// a token without touching the user's ~/.config/screening/token.
/// </summary>
internal static class TestToken
{
    public const string Token = "cli-tests-token";

    [ModuleInitializer]
    internal static void Use() => Environment.SetEnvironmentVariable("SCREEN_TOKEN", Token);
}
