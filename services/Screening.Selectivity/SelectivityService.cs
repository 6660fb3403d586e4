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
internal sealed class SelectivityService(RankingCache cache, ResultStore store, RankingFeed feed) : Protos.V1.Selectivity.SelectivityBase
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
        var ranking = await cache.GetAsync(assay, request.IncludeFailedQc, order, context.CancellationToken).ConfigureAwait(false);
        var response = new GetRankingResponse { TotalCompounds = (uint)ranking.Count };
        var end = Math.Min(ranking.Count, offset + pageSize);
        for (var i = offset; i < end; i++)
        {
            response.Compounds.Add(Ranking.ToProto(ranking[i], i + 1));
        }

        if (end < ranking.Count)
        {
            response.NextPageToken = end.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    public override async Task<GetCompoundResponse> GetCompound(GetCompoundRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.CompoundId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "compound_id is required."));
        }

        return await CompoundAsync(cache, store, request.CompoundId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No fitted curves for compound {request.CompoundId}."));
    }

    /// <summary>A compound's summaries and curves (GetCompound, also for the web view); null when it has no curves.</summary>
    internal static async Task<GetCompoundResponse?> CompoundAsync(RankingCache cache, ResultStore store, string compoundId, CancellationToken cancellationToken)
    {
        var curves = await store.CompoundCurvesAsync(compoundId, cancellationToken).ConfigureAwait(false);
        if (curves.Count == 0)
        {
            return null;
        }

        var response = new GetCompoundResponse { CompoundId = compoundId };
        foreach (var assay in new[] { Analysis.Plates.AssayType.Binding, Analysis.Plates.AssayType.Uptake })
        {
            var ranking = await cache.GetAsync(assay, includeFailedQc: false, RankingOrder.SertSelectiveFirst, cancellationToken).ConfigureAwait(false);
            var index = ranking.FindIndex(s => s.CompoundId == compoundId);
            if (index >= 0)
            {
                response.Summaries.Add(Ranking.ToProto(ranking[index], index + 1));
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
