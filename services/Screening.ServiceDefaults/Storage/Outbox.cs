using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Screening.ServiceDefaults.Storage;

/// <summary>Section "Outbox".</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// Publish committed rows. Off holds accepted work in the outbox (maintenance, or a
    /// test of a crash between commit and publish); it is sent once dispatch is back on.
    /// </summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>
    /// At most this much announced work unfinished at once (0: no limit). Past it, committed
    /// rows wait in the outbox, on disk, until work finishes: with a transport that queues in
    /// process memory (the embedded default) a flood of plates then cannot fill the memory.
    /// Needs an <see cref="IOutboxWork"/> to say how much is unfinished.
    /// </summary>
    public int MaxInFlight { get; set; }
}

/// <summary>How much work announced through the outbox is not finished yet (see <see cref="OutboxOptions.MaxInFlight"/>).</summary>
public interface IOutboxWork
{
    Task<int> InFlightAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A transactional outbox: a message to publish is written in the same database
/// transaction as the state change it announces, and <see cref="OutboxDispatcher"/>
/// publishes it afterwards until the broker has taken it. Nothing is announced that was
/// not committed, and nothing committed goes unannounced.
/// </summary>
public sealed class Outbox : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One gauge for the process, reading every live outbox (an in-process test host may hold several).
    private static readonly ConcurrentDictionary<Outbox, byte> Live = new();

    private static readonly ObservableGauge<long> BacklogGauge = Telemetry.Meter.CreateObservableGauge(
        "screening.outbox.backlog",
        () => Live.Keys.Select(o => new Measurement<long>(Interlocked.Read(ref o._backlog), new KeyValuePair<string, object?>("db.namespace", o.Database.Name))),
        "{message}",
        "Messages committed but not yet taken by the broker, as last counted by the dispatcher.");

    private readonly SemaphoreSlim _pending = new(0, int.MaxValue);
    private long _backlog;

    public Outbox(Database database)
    {
        Database = database;
        _ = BacklogGauge;
        Live.TryAdd(this, 0);
    }

    public Database Database { get; }

    public static Migration Migration(int version) => new(
        version,
        "outbox",
        db => $"""
            CREATE TABLE outbox (
                id {db.AutoIncrementKey},
                message_type TEXT NOT NULL,
                payload TEXT NOT NULL,
                trace_parent TEXT NULL,
                created_at {db.BigInt} NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0
            );
            """);

    /// <summary>
    /// Writes a message inside the caller's transaction and returns it as written (web JSON).
    /// Call <see cref="Signal"/> after commit.
    /// </summary>
    public static async Task<string> EnqueueAsync<T>(DbConnection connection, DbTransaction transaction, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        var payload = JsonSerializer.Serialize(message, Json);
        await connection.ExecuteAsync(
            "INSERT INTO outbox (message_type, payload, trace_parent, created_at) VALUES (@Type, @Payload, @TraceParent, @CreatedAt)",
            new
            {
                Type = typeof(T).FullName,
                Payload = payload,
                TraceParent = Activity.Current?.Id,
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
            transaction).ConfigureAwait(false);
        return payload;
    }

    /// <summary>Wakes the dispatcher: something was committed.</summary>
    public void Signal() => _pending.Release();

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        _pending.Dispose();
    }

    internal async Task<long> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var backlog = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox").ConfigureAwait(false);
        Interlocked.Exchange(ref _backlog, backlog);
        return backlog;
    }
}

/// <summary>
/// Publishes committed outbox rows, a batch at a time in id order, and deletes each once the
/// broker has it. Within a batch messages are in flight together, so their order is not
/// kept: consumers rely on revisions and content hashes, never on arrival order.
/// </summary>
public sealed partial class OutboxDispatcher(
    Outbox outbox,
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger,
    IOutboxWork? work = null) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BacklogInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Dispatch)
        {
            LogDispatchPaused(logger);
            return;
        }

        var counted = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await DispatchBatchAsync(stoppingToken).ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(counted) >= BacklogInterval)
                {
                    // Feeds the screening.outbox.backlog gauge, whose callback cannot query.
                    await outbox.BacklogAsync(stoppingToken).ConfigureAwait(false);
                    counted = Stopwatch.GetTimestamp();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Broker or database away: keep the rows, log, and try again shortly.
                LogDispatchFailed(logger, ex);
                published = 0;
                await Task.Delay(PollInterval, stoppingToken).ConfigureAwait(false);
            }

            if (published < BatchSize)
            {
                try
                {
                    await outbox.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var limit = BatchSize;
        if (options.Value.MaxInFlight > 0 && work is not null)
        {
            limit = Math.Min(limit, options.Value.MaxInFlight - await work.InFlightAsync(cancellationToken).ConfigureAwait(false));
            if (limit <= 0)
            {
                // Full: wait for finished work to signal (or the poll interval), rows stay on disk.
                return 0;
            }
        }

        await using var connection = await outbox.Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<OutboxRow>(
            "SELECT id AS Id, message_type AS MessageType, payload AS Payload, trace_parent AS TraceParent FROM outbox ORDER BY id LIMIT @BatchSize",
            new { BatchSize = limit }).ConfigureAwait(false)).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        using var scope = scopes.CreateScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        // The whole batch in flight at once (the broker confirms each; waiting for one before
        // sending the next caps dispatch at one round trip per message), then one DELETE for
        // every row the broker took. Rows whose publish failed stay for the next attempt.
        var publishes = rows.Select(row => PublishAsync(publisher, row, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(publishes).ConfigureAwait(false);
        }
        finally
        {
            var taken = rows.Where((_, i) => publishes[i].IsCompletedSuccessfully).Select(r => r.Id).ToArray();
            if (taken.Length > 0)
            {
                using var writing = await outbox.Database.EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
                await connection.ExecuteAsync($"DELETE FROM outbox WHERE {outbox.Database.IsOneOf("id", "Ids")}", new { Ids = taken }).ConfigureAwait(false);
            }
        }

        return rows.Count;
    }

    private static async Task PublishAsync(IPublishEndpoint publisher, OutboxRow row, CancellationToken cancellationToken)
    {
        var type = typeof(Contracts.PlateAccepted).Assembly.GetType(row.MessageType)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has unknown message type {row.MessageType}.");
        var message = JsonSerializer.Deserialize(row.Payload, type, Outbox.Json)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty payload.");

        // Continue the trace of the request that wrote the row.
        using var activity = Telemetry.Source.StartActivity("outbox publish", ActivityKind.Producer, row.TraceParent);
        activity?.SetTag("messaging.message.type", type.Name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        await publisher.Publish(message, type, timeout.Token).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch is paused (Outbox:Dispatch = false): accepted work stays in the outbox")]
    private static partial void LogDispatchPaused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    private sealed class OutboxRow
    {
        public long Id { get; init; }

        public string MessageType { get; init; } = string.Empty;

        public string Payload { get; init; } = string.Empty;

        public string? TraceParent { get; init; }
    }
}
