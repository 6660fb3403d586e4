using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Screening.ServiceDefaults.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Registers the service's own database as a keyed <see cref="Database"/> (key = name),
    /// and applies its migrations before the bus or the server start.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase(
        this IHostApplicationBuilder builder, string name, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(name);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                if (options.Provider != StorageProvider.Sqlite)
                {
                    throw new InvalidOperationException($"ConnectionStrings:{name} is required for {options.Provider}.");
                }

                Directory.CreateDirectory(options.DataDirectory);
                connectionString = $"Data Source={Path.Combine(options.DataDirectory, name + ".db")}";
            }

            return new Database(name, options.Provider, connectionString);
        });
        StorageFaultInterceptor.Register(builder.Services);
        builder.Services.AddSingleton<IHostedService>(sp =>
            new MigrationRunner(sp.GetRequiredKeyedService<Database>(name), migrations));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "database-" + name,
            sp => new DatabaseHealthCheck(sp.GetRequiredKeyedService<Database>(name)),
            HealthStatus.Unhealthy,
            ["ready", "database"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>Ready when a connection opens and answers SELECT 1.</summary>
    private sealed class DatabaseHealthCheck(Database database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"database {database.Name} unreachable", ex);
            }
        }
    }

    private sealed class MigrationRunner(Database database, IReadOnlyList<Migration> migrations) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Migrator.ApplyAsync(database, migrations, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
