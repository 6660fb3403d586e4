using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Screening.Analysis.Plates;
using Screening.Protos.V1;
using Screening.ServiceDefaults;

namespace Screening.Ingestion;

internal enum IntakeOutcome
{
    Accepted,
    Duplicate,
    Invalid,
    Conflict,
}

internal sealed record IntakeResult(
    IntakeOutcome Outcome,
    string PlateId,
    PlateQc? Quality,
    IReadOnlyList<PlateViolation> Violations,
    int Revision);

/// <summary>Validate, check QC, store: the path every submitted plate takes, single or streamed.</summary>
internal sealed class PlateIntake(PlateStore store, IOptions<IngestionOptions> options)
{
    private static readonly Counter<long> Submitted = Telemetry.Meter.CreateCounter<long>(
        "screening.plates.submitted", "{plate}", "Plates submitted, by outcome (accepted, duplicate, invalid, conflict).");

    public async Task<IntakeResult> SubmitAsync(Plate plate, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plate);
        using var activity = Telemetry.Source.StartActivity("plate validate");
        activity?.SetTag("plate.id", plate.PlateId);
        var validation = PlateRules.Validate(plate.ToInput());
        if (validation.Plate is not { } valid)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "invalid plate");
            return Count(new IntakeResult(IntakeOutcome.Invalid, plate.PlateId, null, validation.Violations, 0));
        }

        activity?.SetTag("plate.target", valid.Target.Name()).SetTag("plate.assay", valid.Assay.Name());
        var qc = Analysis.Plates.PlateQuality.Compute(valid, options.Value.ZPrimeThreshold);
        activity?.SetTag("plate.z_prime", qc.ZPrime);
        var (outcome, stored) = await store.AcceptAsync(valid, qc, replace, cancellationToken).ConfigureAwait(false);
        return Count(outcome switch
        {
            AcceptOutcome.Accepted or AcceptOutcome.Replaced => new IntakeResult(IntakeOutcome.Accepted, valid.PlateId, qc, [], stored.Revision),
            AcceptOutcome.Duplicate => new IntakeResult(IntakeOutcome.Duplicate, valid.PlateId, stored.Quality, [], stored.Revision),
            _ => new IntakeResult(IntakeOutcome.Conflict, valid.PlateId, stored.Quality, [], stored.Revision),
        });
    }

    private static IntakeResult Count(IntakeResult result)
    {
        Submitted.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()));
        return result;
    }
}
