using System.Text;
using Screening.Analysis.Plates;
using Screening.Protos.V1;

namespace Screening.Cli.Submission;

/// <summary>A plate that passed the local checks, with where it came from so server violations can name the CSV line.</summary>
internal sealed record PlateFromFile(string Source, PlateCsvPlate Csv)
{
    public Plate ToProto() => Csv.Input.ToProto();
}

/// <summary>What reading plate files found: plates to send, and the errors of those that will not be sent.</summary>
internal sealed record PlateFileBatch(IReadOnlyList<PlateFromFile> Plates, IReadOnlyList<PlateCsvError> Errors, int RejectedPlates)
{
    public bool HasErrors => Errors.Count > 0;
}

internal static class PlateFiles
{
    /// <summary>
    /// Reads each file with <see cref="PlateCsv.Read"/> and checks each plate with <see cref="PlateRules.Validate"/>,
    /// the same rules the server applies, so a broken plate is reported with its line before anything is sent.
    /// </summary>
    public static PlateFileBatch Read(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var plates = new List<PlateFromFile>();
        var errors = new List<PlateCsvError>();
        var rejected = new HashSet<(string, string)>();
        foreach (var path in paths)
        {
            PlateCsvReadResult read;
            try
            {
                using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                read = PlateCsv.Read(reader, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new PlateCsvError(path, null, null, null, "cannot read the file: " + e.Message));
                continue;
            }

            errors.AddRange(read.Errors);
            foreach (var error in read.Errors)
            {
                rejected.Add((path, error.PlateId ?? string.Empty));
            }

            foreach (var plate in read.Plates)
            {
                var validation = PlateRules.Validate(plate.Input);
                if (validation.IsValid)
                {
                    plates.Add(new PlateFromFile(path, plate));
                }
                else
                {
                    errors.AddRange(PlateCsv.Describe(plate, validation.Violations, path));
                    rejected.Add((path, plate.Input.PlateId));
                }
            }
        }

        return new PlateFileBatch(plates, errors, rejected.Count(r => r.Item2.Length > 0));
    }

    /// <summary>
    /// The server's field violations of a plate (gRPC paths such as "plate.wells[12].signal") turned back into
    /// the CSV file, line and column the plate was read from.
    /// </summary>
    public static IEnumerable<PlateCsvError> Locate(PlateFromFile plate, IEnumerable<Protos.V1.FieldViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(plate);
        ArgumentNullException.ThrowIfNull(violations);
        var domain = violations.Select(v =>
        {
            var (field, index) = PlateMapping.ParseFieldPath(v.Field);
            return new PlateViolation(field, index, string.IsNullOrEmpty(v.Well) ? null : v.Well, v.Description);
        });
        return PlateCsv.Describe(plate.Csv, domain, plate.Source);
    }
}
