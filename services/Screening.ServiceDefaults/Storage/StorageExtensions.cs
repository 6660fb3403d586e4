using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        builder.Services.AddSingleton<IHostedService>(sp =>
            new MigrationRunner(sp.GetRequiredKeyedService<Database>(name), migrations));
        return builder;
    }

    private sealed class MigrationRunner(Database database, IReadOnlyList<Migration> migrations) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Migrator.ApplyAsync(database, migrations, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
