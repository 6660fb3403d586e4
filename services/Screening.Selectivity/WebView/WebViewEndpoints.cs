using System.Globalization;
using System.Reflection;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Screening.Plots;
using Screening.Protos.V1;

using Screening.ServiceDefaults.Security;

namespace Screening.Selectivity.WebView;

/// <summary>
/// The read-only web view on the HTTP/1.1 port: the ranking page (live through server-sent
/// events), compound and plate pages, the SVG plots, and the JSON the ranking page reads.
/// </summary>
internal static class WebViewEndpoints
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static IEndpointRouteBuilder MapWebView(this IEndpointRouteBuilder app)
    {
        // Every page, plot and API below needs the read permission: a bearer token, or the
        // token brought once as ?token=... and then kept in a cookie (see ApiKeyAuthenticationHandler).
        var web = app.MapGroup(string.Empty).ExcludeFromDescription().RequireAuthorization(Permissions.Read);

        web.MapGet("/", () => Results.Redirect("/ranking"));
        web.MapGet("/ranking", () => Resource("ranking.html", "text/html; charset=utf-8"));
        web.MapGet("/static/site.css", () => Resource("site.css", "text/css; charset=utf-8"));
        web.MapGet("/static/ranking.js", () => Resource("ranking.js", "text/javascript; charset=utf-8"));

        web.MapGet("/api/ranking", RankingAsync);
        web.MapGet("/api/ranking/events", EventsAsync);
        web.MapGet("/api/compounds/{id}", async (string id, RankingIndex rankings, ResultStore store, CancellationToken ct) =>
            await SelectivityService.CompoundAsync(rankings, store, id, ct).ConfigureAwait(false) is { } compound
                ? Results.Text(Json.Format(compound), "application/json")
                : Results.NotFound());

        web.MapGet("/compounds/{id}", async (string id, RankingIndex rankings, ResultStore store, CancellationToken ct) =>
            await SelectivityService.CompoundAsync(rankings, store, id, ct).ConfigureAwait(false) is { } compound
                ? Results.Text(Pages.Compound(compound), "text/html; charset=utf-8")
                : Results.Text(Pages.NotFound($"No fitted curves for compound {id}."), "text/html; charset=utf-8", statusCode: 404));
        web.MapGet("/plates/{id}", async (string id, IngestionLink ingestion, HttpContext http, CancellationToken ct) =>
            await PlateAsync(ingestion, id, http, ct).ConfigureAwait(false) is var (plate, error) && plate is not null
                ? Results.Text(Pages.Plate(plate), "text/html; charset=utf-8")
                : Results.Text(Pages.NotFound(error!.Value.Message), "text/html; charset=utf-8", statusCode: error.Value.Status));

        web.MapGet("/plots/compound/{id}.svg", async (string id, RankingIndex rankings, ResultStore store, CancellationToken ct) =>
            await SelectivityService.CompoundAsync(rankings, store, id, ct).ConfigureAwait(false) is { } compound
                ? Svg(DoseResponsePlot.Render(compound))
                : Results.NotFound());
        web.MapGet("/plots/selectivity.svg", async (string? assay, RankingIndex rankings, CancellationToken ct) =>
        {
            // The most selective compounds either way and the reference panel: a map of a
            // million points would be neither drawable nor readable.
            var domain = ParseAssay(assay) ?? Analysis.Plates.AssayType.Binding;
            var ranking = await rankings.SnapshotAsync(domain, includeFailedQc: false, ct).ConfigureAwait(false);
            var positions = Enumerable.Range(0, Math.Min(ranking.Count, MapCompounds / 2))
                .Concat(Enumerable.Range(Math.Max(0, ranking.Determined - (MapCompounds / 2)), Math.Min(ranking.Determined, MapCompounds / 2)))
                .Distinct()
                .Select(i => (i, ranking.At(i, RankingOrder.SertSelectiveFirst).CompoundId))
                .Concat(SelectivityMapPlot.ReferenceNames.Select(name => (Position: -1, CompoundId: name)))
                .DistinctBy(p => p.CompoundId, StringComparer.Ordinal)
                .ToList();
            var located = new List<(int, string)>(positions.Count);
            foreach (var (position, id) in positions)
            {
                if (position >= 0)
                {
                    located.Add((position, id));
                }
                else if (await rankings.PositionAsync(domain, id, ct).ConfigureAwait(false) is { } found)
                {
                    located.Add((found, id));
                }
            }

            var rows = await SelectivityService.PageAsync(rankings, domain, includeFailedQc: false, located.DistinctBy(p => p.Item1).ToList(), ct).ConfigureAwait(false);
            return Svg(SelectivityMapPlot.Render(rows.OrderBy(r => r.Rank)));
        });
        web.MapGet("/plots/plate/{id}.svg", async (string id, IngestionLink ingestion, HttpContext http, CancellationToken ct) =>
            await PlateAsync(ingestion, id, http, ct).ConfigureAwait(false) is var (plate, error) && plate is not null
                ? Svg(PlateHeatMap.Render(plate))
                : Results.Text(error!.Value.Message, statusCode: error.Value.Status));
        return app;
    }

    /// <summary>
    /// One page of a ranking, filtered by preference and sorted by a column. Ranks stay those of
    /// GetRanking (order: SERT-selective first unless asked otherwise); without filter and sort the
    /// compounds are exactly GetRanking's, page by page.
    /// </summary>
    private static async Task<IResult> RankingAsync(HttpRequest request, RankingIndex rankings, CancellationToken ct)
    {
        var query = request.Query;
        var assay = ParseAssay(query["assay"]);
        if (assay is null)
        {
            return Results.BadRequest("assay must be binding or uptake");
        }

        var order = string.Equals(query["order"], "net", StringComparison.OrdinalIgnoreCase) ? RankingOrder.NetSelectiveFirst : RankingOrder.SertSelectiveFirst;
        var includeFailedQc = string.Equals(query["include_failed_qc"], "true", StringComparison.OrdinalIgnoreCase);
        var pageSize = Math.Clamp(Int(query["page_size"], 50), 1, 1000);
        var page = Math.Max(1, Int(query["page"], 1));
        var ranking = await rankings.SnapshotAsync(assay.Value, includeFailedQc, ct).ConfigureAwait(false);

        // Filter and sort on the compact points every compound keeps; full rows only for the page shown.
        IEnumerable<(int Position, RankEntry Entry)> rows = ranking.InOrder(order).Select((e, i) => (i, e));
        var preference = (string?)query["preference"] switch
        {
            "sert" => Analysis.Selectivity.Preference.Sert,
            "net" => Analysis.Selectivity.Preference.Net,
            "none" => Analysis.Selectivity.Preference.None,
            _ => (Analysis.Selectivity.Preference?)null,
        };
        if (preference is { } p)
        {
            rows = rows.Where(r => r.Entry.Point.Preference == p);
        }

        var descending = string.Equals(query["desc"], "true", StringComparison.OrdinalIgnoreCase);
        Func<(int Position, RankEntry Entry), IComparable>? key = (string?)query["sort"] switch
        {
            "compound" => r => r.Entry.CompoundId,
            "sert" => r => OrLowest(r.Entry.Point.SertPotency),
            "net" => r => OrLowest(r.Entry.Point.NetPotency),
            "fold" => r => OrLowest(r.Entry.Point.Log10Fold),
            "rank" => r => r.Position,
            _ => null,
        };
        if (key is not null)
        {
            rows = descending ? rows.OrderByDescending(key).ThenBy(r => r.Position) : rows.OrderBy(key).ThenBy(r => r.Position);
        }

        var matching = rows.ToList();
        var pageCount = Math.Max(1, (matching.Count + pageSize - 1) / pageSize);
        page = Math.Min(page, pageCount);
        var shown = matching.Skip((page - 1) * pageSize).Take(pageSize).Select(r => (r.Position, r.Entry.CompoundId)).ToList();
        var json = new StringBuilder("{\"compounds\":[");
        json.AppendJoin(',', (await SelectivityService.PageAsync(rankings, assay.Value, includeFailedQc, shown, ct).ConfigureAwait(false)).Select(r => Json.Format(r)));
        json.Append(CultureInfo.InvariantCulture,
            $"],\"totalCompounds\":{ranking.Count},\"matching\":{matching.Count},\"page\":{page},\"pageCount\":{pageCount},\"pageSize\":{pageSize}}}");
        return Results.Text(json.ToString(), "application/json");
    }

    private static double OrLowest(double value) => double.IsFinite(value) ? value : double.NegativeInfinity;

    /// <summary>Server-sent events: one "ranking" event per ranked plate (the WatchRanking feed).</summary>
    private static async Task EventsAsync(HttpContext context, RankingFeed feed)
    {
        var ct = context.RequestAborted;
        var assay = ParseAssay(context.Request.Query["assay"]);
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var reader = feed.Subscribe(ct);
        await context.Response.WriteAsync(": ranking updates\n\n", ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        try
        {
            await foreach (var update in reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (assay is null || update.Assay == assay.Value.ToProto())
                {
                    var summary = new RankingUpdate { PlateId = update.PlateId, Target = update.Target, Assay = update.Assay, RankedAt = update.RankedAt };
                    await context.Response.WriteAsync($"event: ranking\ndata: {Json.Format(summary)}\n\n", ct).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    /// <summary>Compounds drawn on the selectivity map: half from each end of the ranking, plus the reference panel.</summary>
    private const int MapCompounds = 2000;

    private static async Task<(GetPlateResponse? Plate, (int Status, string Message)? Error)> PlateAsync(IngestionLink ingestion, string id, HttpContext http, CancellationToken ct)
    {
        try
        {
            // Ingestion checks the viewer's own token: the web view has no rights of its own.
            var headers = ApiKeyAuthenticationHandler.CallerToken(http) is { } token ? new Metadata { { "authorization", "Bearer " + token } } : null;
            var plate = await ingestion.Client.GetPlateAsync(
                new GetPlateRequest { PlateId = id, IncludeWells = true },
                headers,
                deadline: DateTime.UtcNow.AddSeconds(10),
                cancellationToken: ct).ConfigureAwait(false);
            return (plate, null);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return (null, (StatusCodes.Status404NotFound, $"No plate {id} has been accepted."));
        }
        catch (RpcException e)
        {
            return (null, (StatusCodes.Status502BadGateway, $"Ingestion did not answer for plate {id}: {e.Status.Detail}"));
        }
    }

    private static Analysis.Plates.AssayType? ParseAssay(string? assay) => assay?.ToUpperInvariant() switch
    {
        "BINDING" => Analysis.Plates.AssayType.Binding,
        "UPTAKE" => Analysis.Plates.AssayType.Uptake,
        _ => null,
    };

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static IResult Svg(string svg) => Results.Text(svg, "image/svg+xml; charset=utf-8");

    private static IResult Resource(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Screening.Selectivity.WebView." + name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), contentType);
    }
}
