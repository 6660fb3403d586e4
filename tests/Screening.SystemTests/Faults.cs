using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Screening.SystemTests;

/// <summary>Faults injected into the broker and database server that tests/infra.sh started.</summary>
internal static class Faults
{
    /// <summary>Stops the RabbitMQ application (every connection drops; durable queues and persistent messages stay).</summary>
    public static Task StopBrokerAsync() => RunAsync(RabbitMqCtl("stop_app"));

    public static Task StartBrokerAsync() => RunAsync(RabbitMqCtl("start_app"));

    /// <summary>Kills every server process serving the given databases, as an operator's pg_terminate_backend would.</summary>
    public static async Task<int> TerminateConnectionsAsync(params string[] connectionStrings)
    {
        var databases = connectionStrings.Select(c => new NpgsqlConnectionStringBuilder(c).Database!).ToArray();
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Infrastructure.Postgres) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        return await admin.ExecuteScalarAsync<int>(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ANY(@Databases) AND pid <> pg_backend_pid()",
            new { Databases = databases });
    }

    /// <summary>Restarts the PostgreSQL server (fast shutdown: open transactions are rolled back).</summary>
    public static Task RestartPostgresAsync()
    {
        var state = Environment.GetEnvironmentVariable("INFRA_STATE") ?? throw new InvalidOperationException("INFRA_STATE is not set: run under tests/run.sh");
        var bin = Environment.GetEnvironmentVariable("INFRA_PGBIN") ?? throw new InvalidOperationException("INFRA_PGBIN is not set: run under tests/run.sh");
        return RunAsync(["runuser", "-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", Path.Combine(state, "pg", "data"), "-m", "fast", "-w", "-t", "60", "restart"]);
    }

    private static string[] RabbitMqCtl(string command) =>
        [.. (Environment.GetEnvironmentVariable("SCREENING_RABBITMQCTL") ?? "rabbitmqctl").Split(' ', StringSplitOptions.RemoveEmptyEntries), command];

    private static async Task RunAsync(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var part in command.Skip(1))
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
