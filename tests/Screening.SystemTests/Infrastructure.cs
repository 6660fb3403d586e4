using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Screening.SystemTests;

/// <summary>The broker and database server that tests/infra.sh started, and per-test isolation on them.</summary>
internal static class Infrastructure
{
    public static Uri? RabbitMq => Environment.GetEnvironmentVariable("SCREENING_RABBITMQ") is { Length: > 0 } u ? new Uri(u) : null;

    public static string? Postgres => Environment.GetEnvironmentVariable("SCREENING_POSTGRES");

    public static bool IsAvailable => RabbitMq is not null && !string.IsNullOrEmpty(Postgres);

    /// <summary>A fresh virtual host for one test, so queues and messages never cross tests.</summary>
    public static async Task<string> CreateVirtualHostAsync(string name)
    {
        await RabbitMqCtlAsync($"add_vhost {name}");
        await RabbitMqCtlAsync($"set_permissions -p {name} guest .* .* .*");
        return name;
    }

    public static Task DeleteVirtualHostAsync(string name) => RabbitMqCtlAsync($"delete_vhost {name}");

    /// <summary>A fresh database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>Messages ready in a queue of a virtual host (0 when the queue does not exist).</summary>
    public static async Task<int> QueueDepthAsync(string virtualHost, string queue)
    {
        var output = await RabbitMqCtlAsync($"-q list_queues -p {virtualHost} name messages");
        var fields = output.Split('\n').Select(l => l.Split('\t')).FirstOrDefault(f => f.Length == 2 && f[0] == queue);
        return fields is null ? 0 : int.Parse(fields[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> RabbitMqCtlAsync(string arguments)
    {
        var command = (Environment.GetEnvironmentVariable("SCREENING_RABBITMQCTL") ?? "rabbitmqctl").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var part in command.Skip(1).Concat(arguments.Split(' ')))
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {arguments} failed: {await stderr}");
        }

        return stdout;
    }
}
