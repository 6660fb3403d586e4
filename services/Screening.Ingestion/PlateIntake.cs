using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Screening.Analysis.Plates;
using Screening.Protos.V1;
using Screening.ServiceDefaults;
using Screening.ServiceDefaults.Storage;

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
        "screening.plates.submitted", "{plate}",
        "Plates submitted, by outcome (accepted, duplicate, invalid, conflict) and, for invalid ones, the first rule broken (reason).");

    private static readonly Histogram<double> ZPrime = Telemetry.Meter.CreateHistogram<double>(
        "screening.plate.z_prime", "1", "Z' of each valid plate (1 - 3(sd+ + sd-)/|mean+ - mean-|), by assay and QC verdict.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [-1, 0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] });

    public async Task<IntakeResult> SubmitAsync(Plate plate, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plate);
        using var activity = Telemetry.Source.StartActivity("plate intake");
        activity?.SetTag("plate.id", plate.PlateId);
        var result = await IntakeAsync(plate, replace, activity, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("plate.outcome", Name(result.Outcome));
        if (result.Outcome is IntakeOutcome.Invalid or IntakeOutcome.Conflict)
        {
            activity?.SetStatus(ActivityStatusCode.Error, Name(result.Outcome));
        }

        var reason = result.Outcome == IntakeOutcome.Invalid && result.Violations.Count > 0 ? result.Violations[0].Field.ToString() : null;
        Submitted.Add(1, new KeyValuePair<string, object?>("outcome", Name(result.Outcome)), new KeyValuePair<string, object?>("reason", reason));
        return result;
    }

    private async Task<IntakeResult> IntakeAsync(Plate plate, bool replace, Activity? intake, CancellationToken cancellationToken)
    {
        PlateValidation validation;
        using (var activity = Telemetry.Source.StartActivity("plate validate"))
        {
            validation = PlateRules.Validate(plate.ToInput());
            activity?.SetTag("plate.id", plate.PlateId).SetTag("plate.violation_count", validation.Violations.Count);
        }

        if (validation.Plate is not { } valid)
        {
            return new IntakeResult(IntakeOutcome.Invalid, plate.PlateId, null, validation.Violations, 0);
        }

        var target = valid.Target.Name();
        var assay = valid.Assay.Name();
        intake?.SetTag("plate.target", target).SetTag("plate.assay", assay).SetTag("plate.well_count", valid.Wells.Count);
        PlateQc qc;
        using (var activity = Telemetry.Source.StartActivity("plate qc"))
        {
            qc = Analysis.Plates.PlateQuality.Compute(valid, options.Value.ZPrimeThreshold);
            activity?.SetTag("plate.id", valid.PlateId).SetTag("plate.z_prime", qc.ZPrime).SetTag("plate.qc_passed", qc.Passed);
        }

        ZPrime.Record(qc.ZPrime, new KeyValuePair<string, object?>("plate.assay", assay), new KeyValuePair<string, object?>("qc", qc.Passed ? "passed" : "failed"));
        AcceptOutcome outcome;
        StoredPlate stored;
        using (var activity = Telemetry.Source.StartActivity("plate store"))
        {
            activity?.SetTag("plate.id", valid.PlateId).SetTag("db.system.name", store.Database.Provider == StorageProvider.Postgres ? "postgresql" : "sqlite");
            (outcome, stored) = await store.AcceptAsync(valid, qc, replace, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("plate.revision", stored.Revision);
        }

        return outcome switch
        {
            AcceptOutcome.Accepted or AcceptOutcome.Replaced => new IntakeResult(IntakeOutcome.Accepted, valid.PlateId, qc, [], stored.Revision),
            AcceptOutcome.Duplicate => new IntakeResult(IntakeOutcome.Duplicate, valid.PlateId, stored.Quality, [], stored.Revision),
            _ => new IntakeResult(IntakeOutcome.Conflict, valid.PlateId, stored.Quality, [], stored.Revision),
        };
    }

    private static string Name(IntakeOutcome outcome) => outcome switch
    {
        IntakeOutcome.Accepted => "accepted",
        IntakeOutcome.Duplicate => "duplicate",
        IntakeOutcome.Invalid => "invalid",
        _ => "conflict",
    };
}
