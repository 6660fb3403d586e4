using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Screening.Analysis.Plates;
using Screening.Protos.V1;
using Screening.ServiceDefaults.Security;

namespace Screening.Selectivity;

/// <summary>gRPC face of Selectivity: rankings, a compound's evidence, and live updates.</summary>
[Authorize(Policy = Permissions.Read)]
internal sealed class SelectivityService(RankingIndex rankings, ResultStore store, RankingFeed feed) : Protos.V1.Selectivity.SelectivityBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<GetRankingResponse> GetRanking(GetRankingRequest request, ServerCallContext context)
    {
        var assay = request.Assay.ToDomain()
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "assay is required: ASSAY_TYPE_BINDING or ASSAY_TYPE_UPTAKE."));
        var pageSize = request.PageSize == 0 ? DefaultPageSize : (int)Math.Min(request.PageSize, MaxPageSize);
        var offset = 0;
        if (!string.IsNullOrEmpty(request.PageToken)
            && (!int.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_token {request.PageToken} is not one this service gave out."));
        }

        var order = request.Order == RankingOrder.Unspecified ? RankingOrder.SertSelectiveFirst : request.Order;
        var ranking = await rankings.SnapshotAsync(assay, request.IncludeFailedQc, context.CancellationToken).ConfigureAwait(false);
        var response = new GetRankingResponse { TotalCompounds = (uint)ranking.Count };
        var end = (int)Math.Min(ranking.Count, (long)offset + pageSize);
        var page = new List<(int Position, string CompoundId)>();
        for (var i = offset; i < end; i++)
        {
            page.Add((i, ranking.At(i, order).CompoundId));
        }

        response.Compounds.AddRange(await PageAsync(rankings, assay, request.IncludeFailedQc, page, context.CancellationToken).ConfigureAwait(false));
        if (end < ranking.Count)
        {
            response.NextPageToken = end.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    /// <summary>Full rows for ranked compounds at their positions (0-based) in one assay type's ranking.</summary>
    internal static async Task<List<RankedCompound>> PageAsync(
        RankingIndex rankings, Analysis.Plates.AssayType assay, bool includeFailedQc, IReadOnlyList<(int Position, string CompoundId)> page, CancellationToken cancellationToken)
    {
        var summaries = await rankings.SummariesAsync(page.Select(p => p.CompoundId).ToArray(), includeFailedQc, cancellationToken).ConfigureAwait(false);
        var rows = new List<RankedCompound>(page.Count);
        foreach (var (position, compoundId) in page)
        {
            // A compound ranked a moment ago whose curves are gone (a newer plate revision) is skipped, not invented.
            if (summaries.TryGetValue((assay, compoundId), out var summary))
            {
                rows.Add(Ranking.ToProto(summary, position + 1));
            }
        }

        return rows;
    }

    public override async Task<GetCompoundResponse> GetCompound(GetCompoundRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.CompoundId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "compound_id is required."));
        }

        return await CompoundAsync(rankings, store, request.CompoundId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No fitted curves for compound {request.CompoundId}."));
    }

    /// <summary>A compound's summaries and curves (GetCompound, also for the web view); null when it has no curves.</summary>
    internal static async Task<GetCompoundResponse?> CompoundAsync(RankingIndex rankings, ResultStore store, string compoundId, CancellationToken cancellationToken)
    {
        var curves = await store.CompoundCurvesAsync(compoundId, cancellationToken).ConfigureAwait(false);
        if (curves.Count == 0)
        {
            return null;
        }

        var response = new GetCompoundResponse { CompoundId = compoundId };
        var summaries = await rankings.SummariesAsync([compoundId], includeFailedQc: false, cancellationToken).ConfigureAwait(false);
        foreach (var assay in new[] { Analysis.Plates.AssayType.Binding, Analysis.Plates.AssayType.Uptake })
        {
            if (summaries.TryGetValue((assay, compoundId), out var summary)
                && await rankings.PositionAsync(assay, compoundId, cancellationToken).ConfigureAwait(false) is { } position)
            {
                response.Summaries.Add(Ranking.ToProto(summary, position + 1));
            }
        }

        foreach (var row in curves)
        {
            var curve = row.Curve;
            var item = new Protos.V1.CompoundCurve
            {
                PlateId = row.PlateId,
                Target = (PlateVocabulary.ParseTarget(row.Target) ?? default).ToProto(),
                Assay = (PlateVocabulary.ParseAssay(row.Assay) ?? default).ToProto(),
                PlateZPrime = row.ZPrime,
                PlateQcPassed = row.QcPassed,
                Fit = curve.ToProto(),
                LigandNm = row.LigandNm ?? 0,
                LigandKdNm = row.LigandKdNm ?? 0,
                FittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(row.FittedAt)),
            };
            if (curve.KiNm is { } ki)
            {
                item.Ki = new Concentration
                {
                    ValueNm = ki,
                    Qualifier = CurveMapping.ParseQualifier(curve.Ic50Qualifier).ToProto(),
                    Ci95LowNm = curve.KiCi95LowNm ?? 0,
                    Ci95HighNm = curve.KiCi95HighNm ?? 0,
                };
            }

            response.Curves.Add(item);
        }

        return response;
    }

    public override async Task WatchRanking(WatchRankingRequest request, IServerStreamWriter<RankingUpdate> responseStream, ServerCallContext context)
    {
        var reader = feed.Subscribe(context.CancellationToken);
        try
        {
            await foreach (var update in reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (request.Assay == Protos.V1.AssayType.Unspecified || request.Assay == update.Assay)
                {
                    await responseStream.WriteAsync(update, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away.
        }
    }
}
