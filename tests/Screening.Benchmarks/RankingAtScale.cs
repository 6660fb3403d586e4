using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Screening.Contracts;
using Screening.Embedded;
using Screening.Protos.V1;
using Screening.Selectivity;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Bus;
using Screening.ServiceDefaults.Storage;

namespace Screening.Benchmarks;

/// <summary>
/// Ranking queries at campaign scale: seeds Selectivity's database with N compounds, each with a
/// binding and an uptake curve at SERT and at NET (4N curves on 384-well-sized plates of 32
/// compounds, the fit JSON as Selectivity stores it), starts a Selectivity host on it and times
/// GetRanking and GetCompound over gRPC.
/// <code>
/// dotnet run -c Release --project tests/Screening.Benchmarks -- --ranking [--compounds 1000000] [--queries 1000]
///     [--postgres "Host=127.0.0.1;Port=5432;Username=postgres"] [--data DIR (reuse a seeded SQLite database)]
/// </code>
/// </summary>
internal static class RankingAtScale
{
    private const int CompoundsPerPlate = 32;
    private const string Token = "ranking-bench";
    private static readonly string[] PlateParameterNames = ["$id", "$target", "$assay", "$qc", "$count", "$now"];
    private static readonly string[] CurveParameterNames = ["$plate", "$compound", "$target", "$assay", "$qc", "$potency", "$se", "$qualifier", "$ki", "$fit"];

    public static async Task RunAsync(string[] args)
    {
        var compounds = Option(args, "--compounds", 1_000_000);
        var queries = Option(args, "--queries", 1000);
        var postgres = OptionText(args, "--postgres");
        var dataDirectory = OptionText(args, "--data") ?? Path.Combine(Path.GetTempPath(), $"screening-ranking-{compounds}");
        Directory.CreateDirectory(dataDirectory);

        Database database;
        if (postgres is not null)
        {
            var name = $"ranking_bench_{compounds}";
            await using (var admin = NpgsqlDataSource.Create(postgres))
            {
                await using var exists = admin.CreateCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'");
                if (await exists.ExecuteScalarAsync() is null)
                {
                    await using var create = admin.CreateCommand($"CREATE DATABASE {name}");
                    await create.ExecuteNonQueryAsync();
                }
            }

            database = new Database(SelectivityExtensions.DatabaseName, StorageProvider.Postgres, new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString);
        }
        else
        {
            database = new Database(SelectivityExtensions.DatabaseName, StorageProvider.Sqlite, $"Data Source={Path.Combine(dataDirectory, "selectivity.db")}");
        }

        await Migrator.ApplyAsync(database, ResultStore.Migrations, CancellationToken.None);
        var stored = await CountAsync(database);
        if (stored != 4L * compounds)
        {
            Console.WriteLine($"seeding {compounds:N0} compounds, {4L * compounds:N0} curves ({database.Provider}) ...");
            var seeding = Stopwatch.StartNew();
            // Seeding writes gigabytes in a few statements: no command timeout for it.
            await SeedAsync(
                database.Provider == StorageProvider.Postgres
                    ? new Database(database.Name, database.Provider, new NpgsqlConnectionStringBuilder(database.ConnectionString) { CommandTimeout = 0 }.ConnectionString)
                    : database,
                compounds);
            Console.WriteLine($"seeded in {seeding.Elapsed.TotalSeconds:F0} s");
        }
        else
        {
            Console.WriteLine($"reusing {stored:N0} stored curves ({database.Provider})");
        }

        var started = Stopwatch.StartNew();
        await using var app = BuildHost(database);
        await app.StartAsync();
        var address = EmbeddedHost.Address(app);
        using var channel = GrpcChannel.ForAddress(address);
        var client = new Protos.V1.Selectivity.SelectivityClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + Token } };

        var first = await client.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Binding, PageSize = 100 }, headers);
        var built = started.Elapsed;
        var total = (int)first.TotalCompounds;
        Console.WriteLine($"host started and binding ranking of {total:N0} compounds served after {built.TotalSeconds:F1} s; "
            + $"managed heap {GC.GetTotalMemory(true) / 1048576.0:F0} MiB, working set {Environment.WorkingSet / 1048576.0:F0} MiB");
        if (total < compounds * 0.99)
        {
            // Only compounds whose SERT and NET plates both failed QC (0.03 squared) may be missing.
            throw new InvalidOperationException($"Expected about {compounds} ranked compounds, got {total}.");
        }

        // Both QC-passed rankings are built at start (in the background): wait for the second
        // one too, so nothing below is timed against a build.
        await client.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Uptake, PageSize = 1 }, headers);
        Console.WriteLine($"both rankings ready after {started.Elapsed.TotalSeconds:F1} s");

        var random = new Random(42);
        var rows = new List<(string Query, double[] Ms)>
        {
            ("GetRanking binding, first page of 100, SERT first", await TimeAsync(queries, () => client.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Binding, PageSize = 100 }, headers).ResponseAsync)),
            ("GetRanking uptake, first page of 100, NET first", await TimeAsync(queries, () => client.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Uptake, PageSize = 100, Order = RankingOrder.NetSelectiveFirst }, headers).ResponseAsync)),
            ("GetRanking binding, page of 100 at a random offset", await TimeAsync(queries, () => client.GetRankingAsync(new GetRankingRequest
            {
                Assay = AssayType.Binding,
                PageSize = 100,
                PageToken = random.Next(total).ToString(CultureInfo.InvariantCulture),
            }, headers).ResponseAsync)),
            ("GetCompound, random compound (4 curves, ranks in both assays)", await TimeAsync(queries, () => client.GetCompoundAsync(new GetCompoundRequest { CompoundId = CompoundId(random.Next(compounds)) }, headers).ResponseAsync)),
        };

        var failedQc = Stopwatch.StartNew();
        await client.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Binding, PageSize = 100, IncludeFailedQc = true }, headers);
        Console.WriteLine($"first include_failed_qc ranking (built on demand): {failedQc.Elapsed.TotalSeconds:F1} s");

        Console.WriteLine();
        Console.WriteLine($"| Query ({compounds:N0} compounds, {4L * compounds:N0} curves, {database.Provider}, {queries} sequential calls) | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (query, ms) in rows)
        {
            Array.Sort(ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {query} | {Percentile(ms, 0.50):F2} | {Percentile(ms, 0.95):F2} | {Percentile(ms, 0.99):F2} | {ms[^1]:F2} |"));
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"\nprocess peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB (includes seeding when it ran), "
            + $"managed heap now {GC.GetTotalMemory(true) / 1048576.0:F0} MiB");
        await app.StopAsync();
    }

    private static WebApplication BuildHost(Database database)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoints:Grpc"] = "http://127.0.0.1:0",
            ["Storage:Provider"] = database.Provider.ToString(),
            ["Storage:DataDirectory"] = Path.GetTempPath(),
            [$"ConnectionStrings:{SelectivityExtensions.DatabaseName}"] = database.ConnectionString,
            ["Bus:Transport"] = "InMemory",
            ["Auth:Keys:bench:Name"] = "bench",
            ["Auth:Keys:bench:Token"] = Token,
            ["Auth:Keys:bench:Permissions:0"] = "read",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Screening.Selectivity.RankingIndex", LogLevel.Information);
        builder.AddServiceDefaults();
        builder.AddSelectivity();
        builder.AddScreeningBus(SelectivityExtensions.AddSelectivityConsumers);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSelectivity();
        return app;
    }

    private static async Task<double[]> TimeAsync<T>(int count, Func<Task<T>> call)
    {
        for (var i = 0; i < Math.Min(20, count); i++)
        {
            await call();
        }

        var ms = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return ms;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string CompoundId(int i) => string.Create(CultureInfo.InvariantCulture, $"CMPD-{i:D7}");

    private static async Task<long> CountAsync(Database database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM curves";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>One simulated curve: pKi ~ N(7, 1) at SERT and N(6.5, 1) at NET, 8 % inactive (a bound at 10 µM).</summary>
    private sealed record SeedCurve(string PlateId, string CompoundId, string Target, string Assay, bool QcPassed, double LogPotency, double Se, string Qualifier, bool IsKi, string Fit);

    private static IEnumerable<(string PlateId, string Target, string Assay, bool QcPassed, List<SeedCurve> Curves)> Plates(int compounds)
    {
        var random = new Random(1);
        var logMolar = Enumerable.Range(0, 22).Select(i => -10 + (i / 2 * 0.5)).ToArray();
        foreach (var (target, assay) in new[] { ("SERT", "binding"), ("NET", "binding"), ("SERT", "uptake"), ("NET", "uptake") })
        {
            for (var start = 0; start < compounds; start += CompoundsPerPlate)
            {
                var plateId = string.Create(CultureInfo.InvariantCulture, $"BENCH-{assay}-{target}-{start / CompoundsPerPlate:D6}");
                var qcPassed = random.NextDouble() > 0.03;
                var curves = new List<SeedCurve>(CompoundsPerPlate);
                for (var c = start; c < Math.Min(compounds, start + CompoundsPerPlate); c++)
                {
                    var inactive = random.NextDouble() < 0.08;
                    var pKi = inactive ? 5 : Normal(random, target == "SERT" ? 7 : 6.5, 1);
                    var se = 0.05 + (random.NextDouble() * 0.15);
                    var ic50 = Math.Pow(10, 9 - pKi);
                    var isKi = assay == "binding";
                    var result = new CurveResult(
                        CompoundId(c), "Converged", 0.5, 99.5, -pKi, -1, 0.5, 1.5, se, 0, 60, 18, 22, 0.99, 0.1, 10000,
                        inactive ? ">" : "=", ic50, ic50 / 1.3, ic50 * 1.3, isKi ? ic50 / 2 : null, isKi ? ic50 / 2.6 : null, isKi ? ic50 / 1.5 : null,
                        [], "hill_one", 0.2, 0.66, inactive ? "4" : "1.1", [], logMolar,
                        logMolar.Select(x => 100 / (1 + Math.Pow(10, x + pKi))).ToArray(), []);
                    curves.Add(new SeedCurve(plateId, result.CompoundId, target, assay, qcPassed,
                        Math.Log10((isKi ? ic50 / 2 : ic50) * 1e-9), se, result.Ic50Qualifier, isKi, JsonSerializer.Serialize(result)));
                }

                yield return (plateId, target, assay, qcPassed, curves);
            }
        }
    }

    private static double Normal(Random random, double mean, double sd) =>
        mean + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static async Task SeedAsync(Database database, int compounds)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (database.Provider == StorageProvider.Postgres)
        {
            await using var connection = (NpgsqlConnection)await database.OpenAsync(CancellationToken.None);
            await using (var truncate = new NpgsqlCommand("TRUNCATE curves, plates", connection))
            {
                await truncate.ExecuteNonQueryAsync();
            }

            var all = Plates(compounds).ToList();
            await using (var plates = await connection.BeginBinaryImportAsync(
                "COPY plates (plate_id, content_hash, target, assay, z_prime, qc_passed, ligand_nm, ligand_kd_nm, curve_count, fitted_at, stored_at, revision) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var p in all)
                {
                    await plates.StartRowAsync();
                    await plates.WriteAsync(p.PlateId);
                    await plates.WriteAsync(p.PlateId);
                    await plates.WriteAsync(p.Target);
                    await plates.WriteAsync(p.Assay);
                    await plates.WriteAsync(0.7);
                    await plates.WriteAsync(p.QcPassed ? 1 : 0);
                    await plates.WriteAsync(2.0);
                    await plates.WriteAsync(2.0);
                    await plates.WriteAsync(p.Curves.Count);
                    await plates.WriteAsync(now, NpgsqlDbType.Bigint);
                    await plates.WriteAsync(now, NpgsqlDbType.Bigint);
                    await plates.WriteAsync(1);
                }

                await plates.CompleteAsync();
            }

            await using (var curves = await connection.BeginBinaryImportAsync(
                "COPY curves (plate_id, compound_id, target, assay, qc_passed, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki, fit) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var c in all.SelectMany(p => p.Curves))
                {
                    await curves.StartRowAsync();
                    await curves.WriteAsync(c.PlateId);
                    await curves.WriteAsync(c.CompoundId);
                    await curves.WriteAsync(c.Target);
                    await curves.WriteAsync(c.Assay);
                    await curves.WriteAsync(c.QcPassed ? 1 : 0);
                    await curves.WriteAsync(c.LogPotency);
                    await curves.WriteAsync(c.Se);
                    await curves.WriteAsync(18);
                    await curves.WriteAsync(c.Qualifier);
                    await curves.WriteAsync(c.IsKi ? 1 : 0);
                    await curves.WriteAsync(c.Fit);
                }

                await curves.CompleteAsync();
            }

            await using var analyze = new NpgsqlCommand("ANALYZE curves; ANALYZE plates", connection);
            await analyze.ExecuteNonQueryAsync();
            return;
        }

        await using var sqlite = (SqliteConnection)await database.OpenAsync(CancellationToken.None);
        await using (var fast = new SqliteCommand("PRAGMA synchronous = OFF; DELETE FROM curves; DELETE FROM plates;", sqlite))
        {
            await fast.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await sqlite.BeginTransactionAsync();
        await using var plate = new SqliteCommand(
            """
            INSERT INTO plates (plate_id, content_hash, target, assay, z_prime, qc_passed, ligand_nm, ligand_kd_nm, curve_count, fitted_at, stored_at, revision)
            VALUES ($id, $id, $target, $assay, 0.7, $qc, 2.0, 2.0, $count, $now, $now, 1)
            """, sqlite, transaction);
        var plateParameters = PlateParameterNames.Select(n => plate.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        await using var curve = new SqliteCommand(
            """
            INSERT INTO curves (plate_id, compound_id, target, assay, qc_passed, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki, fit)
            VALUES ($plate, $compound, $target, $assay, $qc, $potency, $se, 18, $qualifier, $ki, $fit)
            """, sqlite, transaction);
        var curveParameters = CurveParameterNames.Select(n => curve.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        foreach (var p in Plates(compounds))
        {
            Set(plateParameters, p.PlateId, p.Target, p.Assay, p.QcPassed ? 1 : 0, p.Curves.Count, now);
            await plate.ExecuteNonQueryAsync();
            foreach (var c in p.Curves)
            {
                Set(curveParameters, c.PlateId, c.CompoundId, c.Target, c.Assay, c.QcPassed ? 1 : 0, c.LogPotency, c.Se, c.Qualifier, c.IsKi ? 1 : 0, c.Fit);
                await curve.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
    }

    private static void Set(SqliteParameter[] parameters, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i];
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
