using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Screening.Analysis.Plates;
using Screening.Protos.V1;
using Screening.ServiceDefaults.Security;

namespace Screening.Ingestion;

/// <summary>gRPC face of Ingestion: maps messages to <see cref="PlateIntake"/> and back.</summary>
internal sealed class PlateIngestionService(PlateIntake intake, PlateStore store, IOptions<IngestionOptions> options, SubmissionRateLimiter limiter)
    : PlateIngestion.PlateIngestionBase
{
    [Authorize(Policy = Permissions.Submit)]
    public override async Task<SubmitPlateResponse> SubmitPlate(SubmitPlateRequest request, ServerCallContext context)
    {
        Admit(request, context);
        var result = await intake.SubmitAsync(request.Plate ?? new Protos.V1.Plate(), request.Replace, context.CancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            IntakeOutcome.Accepted or IntakeOutcome.Duplicate => new SubmitPlateResponse
            {
                PlateId = result.PlateId,
                Quality = result.Quality!.ToProto(),
                Duplicate = result.Outcome == IntakeOutcome.Duplicate,
                Revision = (uint)result.Revision,
            },
            IntakeOutcome.Conflict => throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists, ConflictMessage(result.PlateId))),
            _ => throw InvalidPlate(result).ToRpcException(),
        };
    }

    [Authorize(Policy = Permissions.Submit)]
    public override async Task<SubmitPlatesResponse> SubmitPlates(IAsyncStreamReader<SubmitPlateRequest> requestStream, ServerCallContext context)
    {
        var response = new SubmitPlatesResponse();
        uint index = 0;
        long bytes = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            bytes += request.CalculateSize();
            if (index >= options.Value.MaxPlatesPerStream || bytes > options.Value.MaxStreamBytes)
            {
                throw new RpcException(new Grpc.Core.Status(
                    StatusCode.ResourceExhausted,
                    $"A SubmitPlates stream carries at most {options.Value.MaxPlatesPerStream} plates and {options.Value.MaxStreamBytes} bytes; "
                    + $"the {response.Accepted} plates accepted before the limit are stored, resubmit the rest in a new stream."));
            }

            Admit(request, context);

            var result = await intake.SubmitAsync(request.Plate ?? new Protos.V1.Plate(), request.Replace, context.CancellationToken).ConfigureAwait(false);
            var outcome = new PlateOutcome { Index = index++, PlateId = result.PlateId };
            switch (result.Outcome)
            {
                case IntakeOutcome.Accepted or IntakeOutcome.Duplicate:
                    outcome.Accepted = true;
                    outcome.Quality = result.Quality!.ToProto();
                    outcome.Duplicate = result.Outcome == IntakeOutcome.Duplicate;
                    response.Accepted++;
                    break;
                case IntakeOutcome.Conflict:
                    outcome.ErrorCode = "ALREADY_EXISTS";
                    outcome.ErrorMessage = ConflictMessage(result.PlateId);
                    response.Rejected++;
                    break;
                default:
                    var status = InvalidPlate(result);
                    outcome.ErrorCode = "INVALID_ARGUMENT";
                    outcome.ErrorMessage = status.Message;
                    outcome.Violations.AddRange(result.Violations.Select(v => new Protos.V1.FieldViolation
                    {
                        Field = v.FieldPath(),
                        Well = v.Well ?? string.Empty,
                        Description = v.Message,
                    }));
                    response.Rejected++;
                    break;
            }

            response.Outcomes.Add(outcome);
        }

        return response;
    }

    [Authorize(Policy = Permissions.Read)]
    public override async Task<GetPlateResponse> GetPlate(GetPlateRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.PlateId))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "plate_id is required."));
        }

        var plate = await store.FindAsync(request.PlateId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"No plate {request.PlateId} has been accepted."));
        var response = new GetPlateResponse
        {
            PlateId = plate.PlateId,
            Target = (PlateVocabulary.ParseTarget(plate.Target) ?? default).ToProto(),
            Assay = (PlateVocabulary.ParseAssay(plate.Assay) ?? default).ToProto(),
            PlateFormat = (uint)plate.PlateFormat,
            Status = PlateStatusNames.ToProto(plate.Status),
            StatusDetail = plate.StatusDetail ?? string.Empty,
            Quality = plate.Quality.ToProto(),
            CurveCount = (uint)plate.CurveCount,
            WellCount = (uint)plate.WellCount,
            AcceptedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(plate.AcceptedAt)),
            UpdatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(plate.UpdatedAt)),
            Revision = (uint)plate.Revision,
        };
        if (request.IncludeWells)
        {
            var wells = await store.WellsAsync(request.PlateId, context.CancellationToken).ConfigureAwait(false);
            response.Wells.AddRange(wells.Select(w =>
            {
                var well = new Well
                {
                    WellId = w.Well,
                    Role = PlateVocabulary.ParseRole(w.Role) switch
                    {
                        Analysis.Plates.WellRole.Sample => Protos.V1.WellRole.Sample,
                        Analysis.Plates.WellRole.Total => Protos.V1.WellRole.Total,
                        Analysis.Plates.WellRole.Nsb => Protos.V1.WellRole.Nsb,
                        Analysis.Plates.WellRole.Empty => Protos.V1.WellRole.Empty,
                        _ => Protos.V1.WellRole.Unspecified,
                    },
                    CompoundId = w.CompoundId ?? string.Empty,
                    Signal = w.Signal,
                };
                if (w.ConcentrationNm is { } concentration)
                {
                    well.ConcentrationNm = concentration;
                }

                return well;
            }));
        }

        return response;
    }

    [Authorize(Policy = Permissions.Admin)]
    public override async Task<ReplayPlatesResponse> ReplayPlates(ReplayPlatesRequest request, ServerCallContext context)
    {
        var replayed = await store.ReplayAsync(request.PlateIds, request.AllFailed, context.CancellationToken).ConfigureAwait(false);
        var response = new ReplayPlatesResponse();
        response.Replayed.AddRange(replayed);
        response.NotFound.AddRange(request.PlateIds.Except(replayed, StringComparer.Ordinal));
        return response;
    }

    /// <summary>Per-caller rate limit, and replacing a plate needs the admin permission.</summary>
    private void Admit(SubmitPlateRequest request, ServerCallContext context)
    {
        limiter.Acquire(context);
        if (request.Replace)
        {
            context.Demand(Permissions.Admin, "Replacing an accepted plate");
        }
    }

    private static string ConflictMessage(string plateId) =>
        $"Plate {plateId} was already accepted with different content; submit it under a new plate id, or ask to replace it.";

    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest naming each field and well.</summary>
    private static Google.Rpc.Status InvalidPlate(IntakeResult result)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(result.Violations.Select(v => new BadRequest.Types.FieldViolation
        {
            Field = v.FieldPath(),
            Description = v.Message,
        }));
        var first = result.Violations.Count > 0 ? result.Violations[0].Message : "invalid plate";
        var more = result.Violations.Count > 1 ? $" (and {result.Violations.Count - 1} more)" : string.Empty;
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"Plate {(string.IsNullOrEmpty(result.PlateId) ? "(no id)" : result.PlateId)} rejected: {first}{more}",
            Details = { Any.Pack(badRequest) },
        };
    }
}
