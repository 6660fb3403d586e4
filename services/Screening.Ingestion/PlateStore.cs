using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Screening.Analysis.Plates;
using Screening.Contracts;
using Screening.ServiceDefaults.Storage;

namespace Screening.Ingestion;

/// <summary>The outcome of storing a plate.</summary>
internal enum AcceptOutcome
{
    Accepted,

    /// <summary>The same plate id with the same content was accepted before: nothing changed.</summary>
    Duplicate,

    /// <summary>The plate id is taken by a plate with different content.</summary>
    Conflict,

    /// <summary>Different content replaced the plate under its id, as asked.</summary>
    Replaced,
}

/// <summary>The outbox's measure of unfinished work: plates announced and not yet ranked (or failed).</summary>
internal sealed class UnfinishedPlates(PlateStore store) : IOutboxWork
{
    public Task<int> InFlightAsync(CancellationToken cancellationToken) => store.UnfinishedAsync(cancellationToken);
}

/// <summary>A plate row as stored (Dapper fills it by column name).</summary>
internal sealed class StoredPlate
{
    public string PlateId { get; init; } = string.Empty;

    public string ContentHash { get; init; } = string.Empty;

    public string Target { get; init; } = string.Empty;

    public string Assay { get; init; } = string.Empty;

    public int PlateFormat { get; init; }

    public int WellCount { get; init; }

    public string Status { get; init; } = string.Empty;

    public string? StatusDetail { get; init; }

    public double ZPrime { get; init; }

    public double SignalToBackground { get; init; }

    public double TotalCv { get; init; }

    public double NsbCv { get; init; }

    public double MeanTotal { get; init; }

    public double MeanNsb { get; init; }

    public bool QcPassed { get; init; }

    public double ZPrimeThreshold { get; init; }

    public int CurveCount { get; init; }

    public long AcceptedAt { get; init; }

    public long UpdatedAt { get; init; }

    public int Revision { get; init; }

    public PlateQc Quality => new(ZPrime, SignalToBackground, TotalCv, NsbCv, MeanTotal, MeanNsb, QcPassed, ZPrimeThreshold);
}

/// <summary>
/// Ingestion's own database: accepted plates with their wells and status, and the outbox
/// that announces them. A plate and its <see cref="PlateAccepted"/> are committed together.
/// </summary>
internal sealed class PlateStore(Database database, Outbox outbox)
{
    public Database Database => database;

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "plates", db => $"""
            CREATE TABLE plates (
                plate_id TEXT PRIMARY KEY,
                content_hash TEXT NOT NULL,
                target TEXT NOT NULL,
                assay TEXT NOT NULL,
                plate_format INTEGER NOT NULL,
                well_count INTEGER NOT NULL,
                status TEXT NOT NULL,
                status_detail TEXT NULL,
                z_prime {db.Real} NOT NULL,
                signal_to_background {db.Real} NOT NULL,
                total_cv {db.Real} NOT NULL,
                nsb_cv {db.Real} NOT NULL,
                mean_total {db.Real} NOT NULL,
                mean_nsb {db.Real} NOT NULL,
                qc_passed INTEGER NOT NULL,
                z_prime_threshold {db.Real} NOT NULL,
                curve_count INTEGER NOT NULL DEFAULT 0,
                wells TEXT NOT NULL,
                accepted_at {db.BigInt} NOT NULL,
                updated_at {db.BigInt} NOT NULL
            );
            CREATE INDEX plates_status ON plates (status);
            """),
        Outbox.Migration(2),
        new(3, "plate revisions", _ => "ALTER TABLE plates ADD COLUMN revision INTEGER NOT NULL DEFAULT 1"),
        new(4, "plate announcements for replay", _ => "ALTER TABLE plates ADD COLUMN announcement TEXT NULL"),
    ];

    private const string SelectColumns = """
        plate_id AS PlateId, content_hash AS ContentHash, target AS Target, assay AS Assay,
        plate_format AS PlateFormat, well_count AS WellCount, status AS Status, status_detail AS StatusDetail,
        z_prime AS ZPrime, signal_to_background AS SignalToBackground, total_cv AS TotalCv, nsb_cv AS NsbCv,
        mean_total AS MeanTotal, mean_nsb AS MeanNsb, qc_passed AS QcPassed, z_prime_threshold AS ZPrimeThreshold,
        curve_count AS CurveCount, accepted_at AS AcceptedAt, updated_at AS UpdatedAt, revision AS Revision
        """;

    /// <summary>
    /// Stores a validated plate and its announcement in one transaction. Returns the stored
    /// row: the new one, or for a duplicate or conflict the one already there. With
    /// <paramref name="replace"/>, different content under a taken id supersedes the old
    /// plate (revision + 1) instead of conflicting.
    /// </summary>
    public async Task<(AcceptOutcome Outcome, StoredPlate Plate)> AcceptAsync(PlateRead plate, PlateQc qc, bool replace, CancellationToken cancellationToken)
    {
        var hash = ContentHash(plate);
        var now = DateTimeOffset.UtcNow;
        var wells = plate.Wells
            .Where(w => w.Role != WellRole.Empty)
            .Select(w => new WellReading(w.Position.ToString(), w.Role.Name(), w.CompoundId, w.ConcentrationNm, w.Signal))
            .ToArray();
        var row = new
        {
            plate.PlateId,
            Hash = hash,
            Target = plate.Target.Name(),
            Assay = plate.Assay.Name(),
            Format = (int)plate.Format,
            WellCount = plate.Wells.Count,
            Status = PlateStatusNames.Received,
            ZPrime = Finite(qc.ZPrime),
            SignalToBackground = Finite(qc.SignalToBackground),
            TotalCv = Finite(qc.TotalCvPercent),
            NsbCv = Finite(qc.NsbCvPercent),
            qc.MeanTotal,
            qc.MeanNsb,
            QcPassed = qc.Passed ? 1 : 0,
            Threshold = qc.ZPrimeThreshold,
            Wells = JsonSerializer.Serialize(wells),
            Now = now.ToUnixTimeMilliseconds(),
        };

        using var writing = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var revision = 1;
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO plates (plate_id, content_hash, target, assay, plate_format, well_count, status, z_prime,
                signal_to_background, total_cv, nsb_cv, mean_total, mean_nsb, qc_passed, z_prime_threshold, wells, accepted_at, updated_at)
            VALUES (@PlateId, @Hash, @Target, @Assay, @Format, @WellCount, @Status, @ZPrime,
                @SignalToBackground, @TotalCv, @NsbCv, @MeanTotal, @MeanNsb, @QcPassed, @Threshold, @Wells, @Now, @Now)
            ON CONFLICT (plate_id) DO NOTHING
            """,
            row,
            transaction).ConfigureAwait(false);

        if (inserted == 0)
        {
            var existing = await connection.QuerySingleAsync<(string Hash, long Revision)>(
                "SELECT content_hash, CAST(revision AS BIGINT) FROM plates WHERE plate_id = @PlateId", new { plate.PlateId }, transaction).ConfigureAwait(false);
            var replaced = 0;
            if (replace && existing.Hash != hash)
            {
                revision = checked((int)existing.Revision + 1);
                replaced = await connection.ExecuteAsync(
                    """
                    UPDATE plates SET content_hash = @Hash, target = @Target, assay = @Assay, plate_format = @Format,
                        well_count = @WellCount, status = @Status, status_detail = NULL, z_prime = @ZPrime,
                        signal_to_background = @SignalToBackground, total_cv = @TotalCv, nsb_cv = @NsbCv, mean_total = @MeanTotal,
                        mean_nsb = @MeanNsb, qc_passed = @QcPassed, z_prime_threshold = @Threshold, curve_count = 0,
                        wells = @Wells, revision = @Revision, updated_at = @Now
                    WHERE plate_id = @PlateId AND content_hash = @OldHash
                    """,
                    new
                    {
                        row.PlateId, row.Hash, row.Target, row.Assay, row.Format, row.WellCount, row.Status, row.ZPrime,
                        row.SignalToBackground, row.TotalCv, row.NsbCv, row.MeanTotal, row.MeanNsb, row.QcPassed, row.Threshold,
                        row.Wells, row.Now, Revision = revision, OldHash = existing.Hash,
                    },
                    transaction).ConfigureAwait(false);
            }

            if (replaced == 0)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                writing.Dispose();
                var current = await FindAsync(plate.PlateId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Plate {plate.PlateId} vanished while being accepted.");
                return (current.ContentHash == hash ? AcceptOutcome.Duplicate : AcceptOutcome.Conflict, current);
            }
        }

        var announcement = new PlateAccepted(
            plate.PlateId,
            revision,
            hash,
            plate.Target.Name(),
            plate.Assay.Name(),
            (int)plate.Format,
            plate.LigandNm,
            plate.LigandKdNm,
            Finite(qc.ZPrime),
            qc.Passed,
            wells,
            now);
        var payload = await Outbox.EnqueueAsync(connection, transaction, announcement).ConfigureAwait(false);

        // Kept so the plate can be announced again, exactly as first accepted (ReplayAsync).
        await connection.ExecuteAsync(
            "UPDATE plates SET announcement = @Announcement WHERE plate_id = @PlateId",
            new { plate.PlateId, Announcement = payload },
            transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        writing.Dispose();
        outbox.Signal();

        if (revision > 1)
        {
            var replacedRow = await FindAsync(plate.PlateId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Plate {plate.PlateId} was committed but cannot be read back.");
            return (AcceptOutcome.Replaced, replacedRow);
        }

        // A new plate is exactly what was just inserted: no read back.
        return (AcceptOutcome.Accepted, new StoredPlate
        {
            PlateId = row.PlateId,
            ContentHash = hash,
            Target = row.Target,
            Assay = row.Assay,
            PlateFormat = row.Format,
            WellCount = row.WellCount,
            Status = row.Status,
            ZPrime = row.ZPrime,
            SignalToBackground = row.SignalToBackground,
            TotalCv = row.TotalCv,
            NsbCv = row.NsbCv,
            MeanTotal = row.MeanTotal,
            MeanNsb = row.MeanNsb,
            QcPassed = qc.Passed,
            ZPrimeThreshold = row.Threshold,
            AcceptedAt = row.Now,
            UpdatedAt = row.Now,
            Revision = 1,
        });
    }

    public async Task<StoredPlate?> FindAsync(string plateId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<StoredPlate>(
            $"SELECT {SelectColumns} FROM plates WHERE plate_id = @PlateId", new { PlateId = plateId }).ConfigureAwait(false);
    }

    /// <summary>
    /// Announces plates again as they were accepted (the named ones, and with
    /// <paramref name="allFailed"/> every failed one), back to status received, in one
    /// transaction with their outbox rows. Returns the plate ids replayed.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplayAsync(IReadOnlyCollection<string> plateIds, bool allFailed, CancellationToken cancellationToken)
    {
        using var writing = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<(string PlateId, string? Announcement)>(
            $"SELECT plate_id, announcement FROM plates WHERE (@AllFailed = 1 AND status = 'failed') OR {database.IsOneOf("plate_id", "Ids")}",
            new { AllFailed = allFailed ? 1 : 0, Ids = plateIds.ToArray() },
            transaction).ConfigureAwait(false)).AsList();
        var replayed = new List<string>();
        foreach (var (plateId, announcement) in rows)
        {
            if (announcement is null || JsonSerializer.Deserialize<PlateAccepted>(announcement, JsonSerializerOptions.Web) is not { } message)
            {
                continue;
            }

            await Outbox.EnqueueAsync(connection, transaction, message).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "UPDATE plates SET status = @Status, status_detail = NULL, updated_at = @Now WHERE plate_id = @PlateId AND status = 'failed'",
                new { PlateId = plateId, Status = PlateStatusNames.Received, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction).ConfigureAwait(false);
            replayed.Add(plateId);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        outbox.Signal();
        return replayed;
    }

    /// <summary>The wells of a plate as accepted (empty wells are not stored); none for an unknown plate.</summary>
    public async Task<IReadOnlyList<WellReading>> WellsAsync(string plateId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var json = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT wells FROM plates WHERE plate_id = @PlateId", new { PlateId = plateId }).ConfigureAwait(false);
        return json is null ? [] : JsonSerializer.Deserialize<WellReading[]>(json) ?? [];
    }

    /// <summary>
    /// Moves a plate forward (received → fitted → ranked). A plate whose Z' failed ends as
    /// failed_qc instead of ranked: stored and fitted, but left out of rankings. Events about
    /// older content of a replaced plate, and late or repeated events, change nothing.
    /// </summary>
    public async Task AdvanceAsync(string plateId, string contentHash, string status, int? curveCount, string? detail, CancellationToken cancellationToken)
    {
        var from = status switch
        {
            PlateStatusNames.Fitted => new[] { PlateStatusNames.Received, PlateStatusNames.Failed },
            PlateStatusNames.Ranked => new[] { PlateStatusNames.Received, PlateStatusNames.Fitted, PlateStatusNames.Failed },
            PlateStatusNames.Failed => new[] { PlateStatusNames.Received },
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
        };
        using var writing = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"""
            UPDATE plates SET
                status = CASE WHEN qc_passed = 0 AND @Status = 'ranked' THEN 'failed_qc' ELSE @Status END,
                status_detail = @Detail,
                curve_count = COALESCE(@CurveCount, curve_count),
                updated_at = @Now
            WHERE plate_id = @PlateId AND content_hash = @ContentHash AND {database.IsOneOf("status", "From")}
            """,
            new
            {
                PlateId = plateId,
                ContentHash = contentHash,
                Status = status,
                Detail = detail,
                CurveCount = curveCount,
                From = from,
                Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            }).ConfigureAwait(false);
    }

    /// <summary>Plates announced to Fitting whose work is not finished: received or fitted, less those still in the outbox.</summary>
    public async Task<int> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int>(
            $"SELECT CAST((SELECT COUNT(*) FROM plates WHERE status IN ('{PlateStatusNames.Received}', '{PlateStatusNames.Fitted}')) - (SELECT COUNT(*) FROM outbox) AS INTEGER)")
            .ConfigureAwait(false);
    }

    /// <summary>
    /// SHA-256 over a canonical text of the plate (plate-level values, then wells in
    /// position order, numbers round-trip formatted): the same plate sent twice, in any row
    /// order, has the same hash.
    /// </summary>
    internal static string ContentHash(PlateRead plate)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{plate.PlateId}|{plate.Target.Name()}|{plate.Assay.Name()}|{(int)plate.Format}|{plate.LigandNm:R}|{plate.LigandKdNm:R}\n");
        foreach (var w in plate.Wells.OrderBy(w => w.Position.Row).ThenBy(w => w.Position.Column))
        {
            text.Append(CultureInfo.InvariantCulture, $"{w.Position}|{w.Role.Name()}|{w.CompoundId}|{w.ConcentrationNm:R}|{w.Signal:R}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : (double.IsNaN(value) ? 0 : Math.CopySign(double.MaxValue, value));
}
