using System.Data.Common;
using Dapper;

namespace Screening.ServiceDefaults.Storage;

/// <summary>A numbered schema change. Versions only grow; an applied one is never edited.</summary>
public sealed record Migration(int Version, string Description, Func<Database, string> Sql);

/// <summary>
/// Applies a service's pending migrations on start, each in its own transaction, and records
/// them in schema_migrations. Safe to run from several processes at once: a version that
/// another process applied first is skipped.
/// </summary>
public static class Migrator
{
    public static async Task ApplyAsync(Database database, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(migrations);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (database.Provider == StorageProvider.Sqlite)
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        }

        await connection.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {database.BigInt} NOT NULL)")
            .ConfigureAwait(false);

        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            await ApplyOneAsync(database, connection, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ApplyOneAsync(Database database, DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (database.Provider == StorageProvider.Postgres)
        {
            // Serialize concurrent starters on one lock per database.
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7262001)", transaction: transaction).ConfigureAwait(false);
        }

        var applied = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version", new { migration.Version }, transaction).ConfigureAwait(false);
        if (applied > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await connection.ExecuteAsync(migration.Sql(database), transaction: transaction).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (@Version, @Description, @AppliedAt)",
            new { migration.Version, migration.Description, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
            transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
