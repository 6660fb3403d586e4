using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Screening.Analysis.Curves;
using Screening.Protos.V1;
using Screening.ServiceDefaults.Security;

namespace Screening.Fitting;

/// <summary>Synchronous fitting of caller-supplied curves, with the engine that fits plates.</summary>
internal sealed class CurveFittingService(IOptions<FittingOptions> options) : CurveFitting.CurveFittingBase
{
    [Authorize(Policy = Permissions.Read)]
    public override Task<FitCurvesResponse> FitCurves(FitCurvesRequest request, ServerCallContext context)
    {
        if (request.Curves.Count > options.Value.MaxCurvesPerRequest)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"FitCurves takes at most {options.Value.MaxCurvesPerRequest} curves per call; got {request.Curves.Count}."));
        }

        for (var i = 0; i < request.Curves.Count; i++)
        {
            var c = request.Curves[i];
            if (c.LogMolar.Count != c.Response.Count)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"curves[{i}] ({c.CurveId}): log_molar has {c.LogMolar.Count} values but response has {c.Response.Count}."));
            }
        }

        var fitOptions = new FitOptions
        {
            Model = request.Model == Protos.V1.CurveModel.HillOne ? Analysis.Curves.CurveModel.HillOne : Analysis.Curves.CurveModel.FourParameter,
            FixedBottom = request.HasFixedBottom ? request.FixedBottom : null,
            FixedTop = request.HasFixedTop ? request.FixedTop : null,
        };
        var fits = new CurveFit[request.Curves.Count];
        Parallel.For(0, fits.Length, new ParallelOptions { CancellationToken = context.CancellationToken }, i =>
        {
            var c = request.Curves[i];
            var x = c.LogMolar.ToArray();
            var y = c.Response.ToArray();
            fits[i] = DoseResponseFitter.Fit(x, y, fitOptions).ToProto(c.CurveId);
        });
        var response = new FitCurvesResponse();
        response.Fits.AddRange(fits);
        return Task.FromResult(response);
    }
}
