using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Screening.Analysis.Plates;
using Screening.Contracts;
using Screening.ServiceDefaults.Storage;

namespace Screening.Selectivity;

/// <summary>A stored curve, as the ranking needs it (Dapper fills it by column name).</summary>
internal sealed class CurveRow
{
    public string PlateId { get; init; } = string.Empty;

    public string CompoundId { get; init; } = string.Empty;

    public string Target { get; init; } = string.Empty;

    public string Assay { get; init; } = string.Empty;

    /// <summary>log10 molar Ki, or IC50 when the plate had no ligand/Kd.</summary>
    public double LogPotency { get; init; }

    public double PotencySe { get; init; }

    public int DegreesOfFreedom { get; init; }

    public string Qualifier { get; init; } = "=";

    public bool IsKi { get; init; }

    public bool QcPassed { get; init; }
}

/// <summary>A stored curve with its plate, for GetCompound.</summary>
internal sealed class CurveDetailRow
{
    public string PlateId { get; init; } = string.Empty;

    public string Target { get; init; } = string.Empty;

    public string Assay { get; init; } = string.Empty;

    public double ZPrime { get; init; }

    public bool QcPassed { get; init; }

    public double? LigandNm { get; init; }

    public double? LigandKdNm { get; init; }

    public long FittedAt { get; init; }

    public string Fit { get; init; } = string.Empty;

    public CurveResult Curve => JsonSerializer.Deserialize<CurveResult>(Fit)
        ?? throw new InvalidOperationException($"Curve on plate {PlateId} has no stored fit.");
}

/// <summary>Selectivity's own database: each fitted plate once, with its curves.</summary>
internal sealed class ResultStore(Database database)
{
    public Database Database => database;

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "fitted plates and curves", db => $"""
            CREATE TABLE plates (
                plate_id TEXT PRIMARY KEY,
                content_hash TEXT NOT NULL,
                target TEXT NOT NULL,
                assay TEXT NOT NULL,
                z_prime {db.Real} NOT NULL,
                qc_passed INTEGER NOT NULL,
                ligand_nm {db.Real} NULL,
                ligand_kd_nm {db.Real} NULL,
                curve_count INTEGER NOT NULL,
                fitted_at {db.BigInt} NOT NULL,
                stored_at {db.BigInt} NOT NULL
            );
            CREATE TABLE curves (
                plate_id TEXT NOT NULL REFERENCES plates (plate_id) ON DELETE CASCADE,
                compound_id TEXT NOT NULL,
                target TEXT NOT NULL,
                assay TEXT NOT NULL,
                qc_passed INTEGER NOT NULL,
                log_potency {db.Real} NOT NULL,
                potency_se {db.Real} NOT NULL,
                degrees_of_freedom INTEGER NOT NULL,
                qualifier TEXT NOT NULL,
                is_ki INTEGER NOT NULL,
                fit TEXT NOT NULL,
                PRIMARY KEY (plate_id, compound_id)
            );
            CREATE INDEX curves_compound ON curves (compound_id);
            CREATE INDEX curves_assay ON curves (assay, qc_passed);
            """),
        new(2, "plate revisions", _ => "ALTER TABLE plates ADD COLUMN revision INTEGER NOT NULL DEFAULT 1"),

        // Everything a ranking reads of a curve, in compound order per assay type: building a
        // ranking and summarizing a page of compounds read this index alone, never the rows
        // (each of which carries its ~1.4 kB fit).
        new(3, "covering index for rankings", _ => """
            CREATE INDEX curves_ranking ON curves (assay, compound_id, target, plate_id, qc_passed, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki);
            DROP INDEX curves_assay;
            """),
    ];

    /// <summary>
    /// Stores a fitted plate exactly once. A redelivered message for content already stored,
    /// or a late one about an older revision, changes nothing (returns false); a newer
    /// revision of the plate replaces the old curves.
    /// </summary>
    public async Task<bool> StoreAsync(PlateFitted plate, CancellationToken cancellationToken)
    {
        using var writing = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await connection.QuerySingleOrDefaultAsync<(string Hash, long Revision)?>(
            "SELECT content_hash, CAST(revision AS BIGINT) FROM plates WHERE plate_id = @PlateId", new { plate.PlateId }, transaction).ConfigureAwait(false);
        if (existing is { } known && (known.Hash == plate.ContentHash || known.Revision >= plate.Revision))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (existing is not null)
        {
            await connection.ExecuteAsync("DELETE FROM curves WHERE plate_id = @PlateId", new { plate.PlateId }, transaction).ConfigureAwait(false);
            await connection.ExecuteAsync("DELETE FROM plates WHERE plate_id = @PlateId", new { plate.PlateId }, transaction).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO plates (plate_id, revision, content_hash, target, assay, z_prime, qc_passed, ligand_nm, ligand_kd_nm, curve_count, fitted_at, stored_at)
            VALUES (@PlateId, @Revision, @ContentHash, @Target, @Assay, @ZPrime, @QcPassed, @LigandNm, @LigandKdNm, @CurveCount, @FittedAt, @StoredAt)
            """,
            new
            {
                plate.PlateId,
                plate.Revision,
                plate.ContentHash,
                plate.Target,
                plate.Assay,
                plate.ZPrime,
                QcPassed = plate.QcPassed ? 1 : 0,
                plate.LigandNm,
                plate.LigandKdNm,
                CurveCount = plate.Curves.Count,
                FittedAt = plate.FittedAt.ToUnixTimeMilliseconds(),
                StoredAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
            transaction).ConfigureAwait(false);

        var curves = plate.Curves.Select(c => new
        {
            plate.PlateId,
            c.CompoundId,
            plate.Target,
            plate.Assay,
            QcPassed = plate.QcPassed ? 1 : 0,
            LogPotency = Math.Log10((c.KiNm ?? c.Ic50Nm) * 1e-9) is var l && double.IsFinite(l) ? l : 0,
            PotencySe = c.LogIC50Se,
            c.DegreesOfFreedom,
            Qualifier = c.Ic50Qualifier,
            IsKi = c.KiNm is null ? 0 : 1,
            Fit = JsonSerializer.Serialize(c),
        }).ToArray();
        if (database.Provider == StorageProvider.Postgres)
        {
            // One statement for the whole plate (arrays unnested server-side), not a round trip per curve.
            await connection.ExecuteAsync(
                """
                INSERT INTO curves (plate_id, compound_id, target, assay, qc_passed, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki, fit)
                SELECT @PlateId, c.compound_id, @Target, @Assay, @QcPassed, c.log_potency, c.potency_se, c.degrees_of_freedom, c.qualifier, c.is_ki, c.fit
                FROM unnest(@CompoundIds, @LogPotencies, @PotencySes, @DegreesOfFreedom, @Qualifiers, @IsKi, @Fits)
                    AS c (compound_id, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki, fit)
                """,
                new
                {
                    plate.PlateId,
                    plate.Target,
                    plate.Assay,
                    QcPassed = plate.QcPassed ? 1 : 0,
                    CompoundIds = curves.Select(c => c.CompoundId).ToArray(),
                    LogPotencies = curves.Select(c => c.LogPotency).ToArray(),
                    PotencySes = curves.Select(c => c.PotencySe).ToArray(),
                    DegreesOfFreedom = curves.Select(c => c.DegreesOfFreedom).ToArray(),
                    Qualifiers = curves.Select(c => c.Qualifier).ToArray(),
                    IsKi = curves.Select(c => c.IsKi).ToArray(),
                    Fits = curves.Select(c => c.Fit).ToArray(),
                },
                transaction).ConfigureAwait(false);
        }
        else
        {
            // In-process SQLite: a statement per curve costs no round trip.
            await connection.ExecuteAsync(
                """
                INSERT INTO curves (plate_id, compound_id, target, assay, qc_passed, log_potency, potency_se, degrees_of_freedom, qualifier, is_ki, fit)
                VALUES (@PlateId, @CompoundId, @Target, @Assay, @QcPassed, @LogPotency, @PotencySe, @DegreesOfFreedom, @Qualifier, @IsKi, @Fit)
                """,
                curves,
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static readonly string[] AssayNames = [AssayType.Binding.Name(), AssayType.Uptake.Name()];

    private const string RankingColumns = """
        SELECT plate_id AS PlateId, compound_id AS CompoundId, target AS Target, assay AS Assay, log_potency AS LogPotency,
               potency_se AS PotencySe, degrees_of_freedom AS DegreesOfFreedom, qualifier AS Qualifier, is_ki AS IsKi, qc_passed AS QcPassed
        FROM curves
        """;

    /// <summary>The curves of some compounds usable for rankings (of one assay type, or both when null; failed-QC plates only when asked).</summary>
    public async Task<IReadOnlyList<CurveRow>> CurvesAsync(string? assay, bool includeFailedQc, IReadOnlyCollection<string> compounds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = RankingColumns + " WHERE " + database.IsOneOf("assay", "Assays") + " AND " + database.IsOneOf("compound_id", "Compounds")
            + " AND (qc_passed = 1 OR @IncludeFailedQc = 1)";
        var assays = assay is null ? AssayNames : [assay];
        var rows = await connection.QueryAsync<CurveRow>(
            new CommandDefinition(sql, new { Assays = assays, IncludeFailedQc = includeFailedQc ? 1 : 0, Compounds = compounds.ToArray() }, cancellationToken: cancellationToken))
            .ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>
    /// Every curve of one assay type usable for its ranking, streamed in compound order (so a
    /// ranking of any size is built one compound at a time).
    /// </summary>
    public async IAsyncEnumerable<CurveRow> AllCurvesAsync(string assay, bool includeFailedQc, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = connection.QueryUnbufferedAsync<CurveRow>(
            RankingColumns + " WHERE assay = @Assay AND (qc_passed = 1 OR @IncludeFailedQc = 1) ORDER BY compound_id",
            new { Assay = assay, IncludeFailedQc = includeFailedQc ? 1 : 0 });
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    public async Task<IReadOnlyList<CurveDetailRow>> CompoundCurvesAsync(string compoundId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CurveDetailRow>(new CommandDefinition(
            """
            SELECT c.plate_id AS PlateId, p.target AS Target, p.assay AS Assay, p.z_prime AS ZPrime, p.qc_passed AS QcPassed,
                   p.ligand_nm AS LigandNm, p.ligand_kd_nm AS LigandKdNm, p.fitted_at AS FittedAt, c.fit AS Fit
            FROM curves c JOIN plates p ON p.plate_id = c.plate_id
            WHERE c.compound_id = @CompoundId
            ORDER BY p.assay, p.target, c.plate_id
            """,
            new { CompoundId = compoundId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }
}
