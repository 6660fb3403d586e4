using System.Globalization;
using System.Text;

namespace Screening.Analysis.Plates;

/// <summary>One plate read from a CSV file; <see cref="WellLines"/> holds the 1-based file line of each entry of <c>Input.Wells</c>.</summary>
public sealed record PlateCsvPlate(PlateInput Input, IReadOnlyList<int> WellLines);

/// <summary>
/// A problem in a plate CSV file. File-level problems (empty file, bad header, broken quoting) have no
/// <see cref="PlateId"/>; they reject the whole file.
/// </summary>
public sealed record PlateCsvError(string Source, string? PlateId, int? Line, string? Column, string Message)
{
    /// <summary><c>sert.csv: plate P1, line 14, column concentration_nM: must be a finite number &gt; 0, got "abc"</c></summary>
    public override string ToString()
    {
        var where = new List<string>(3);
        if (PlateId is not null)
        {
            where.Add("plate " + PlateId);
        }

        if (Line is { } line)
        {
            where.Add("line " + line.ToString(CultureInfo.InvariantCulture));
        }

        if (Column is not null)
        {
            where.Add("column " + Column);
        }

        var location = where.Count == 0 ? Source : Source + ": " + string.Join(", ", where);
        return location + ": " + Message;
    }
}

/// <summary>
/// What <see cref="PlateCsv.Read"/> found. A plate with any row-level error is left out of
/// <see cref="Plates"/> (only its errors appear); a file-level error leaves <see cref="Plates"/> empty.
/// Plates here are parsed, not yet validated: pass each <c>Input</c> to <see cref="PlateRules.Validate"/>.
/// </summary>
public sealed record PlateCsvReadResult(IReadOnlyList<PlateCsvPlate> Plates, IReadOnlyList<PlateCsvError> Errors)
{
    public bool HasErrors => Errors.Count > 0;
}

/// <summary>Reads and writes the plate CSV format of plate-csv.md (RFC 4180, one row per well).</summary>
public static class PlateCsv
{
    public const string PlateIdColumn = "plate_id";
    public const string TargetColumn = "target";
    public const string AssayColumn = "assay";
    public const string WellColumn = "well";
    public const string RoleColumn = "role";
    public const string CompoundIdColumn = "compound_id";
    public const string ConcentrationColumn = "concentration_nM";
    public const string SignalColumn = "signal";
    public const string LigandColumn = "ligand_nM";
    public const string LigandKdColumn = "ligand_kd_nM";
    public const string PlateFormatColumn = "plate_format";

    /// <summary>The spec's columns, in the order <see cref="Write"/> uses.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        PlateIdColumn, TargetColumn, AssayColumn, WellColumn, RoleColumn, CompoundIdColumn,
        ConcentrationColumn, SignalColumn, LigandColumn, LigandKdColumn, PlateFormatColumn,
    ];

    /// <summary>
    /// Header columns a file must have. The spec requires the first five on every row; compound_id,
    /// concentration_nM and signal are required on sample/control rows, and every plate needs those,
    /// so a file without these columns could never pass: say so once, at the header.
    /// </summary>
    public static IReadOnlyList<string> RequiredColumns { get; } =
    [
        PlateIdColumn, TargetColumn, AssayColumn, WellColumn, RoleColumn, CompoundIdColumn,
        ConcentrationColumn, SignalColumn,
    ];

    /// <summary>Per plate (and for the file), errors beyond this are counted, not listed.</summary>
    public const int MaxErrorsPerPlate = 100;

    public static PlateCsvReadResult Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        return new CsvPlateReader(sourceName).Read(new CsvTokenizer(reader));
    }

    /// <summary>Turns <see cref="PlateRules.Validate"/> violations of a plate read from CSV into errors naming line and column.</summary>
    public static IEnumerable<PlateCsvError> Describe(PlateCsvPlate plate, IEnumerable<PlateViolation> violations, string source)
    {
        ArgumentNullException.ThrowIfNull(plate);
        ArgumentNullException.ThrowIfNull(violations);
        foreach (var v in violations)
        {
            int? line = v.WellIndex is { } i && i >= 0 && i < plate.WellLines.Count ? plate.WellLines[i]
                : IsPlateLevel(v.Field) && plate.WellLines.Count > 0 ? plate.WellLines[0]
                : null;
            yield return new PlateCsvError(source, plate.Input.PlateId, line, ColumnOf(v.Field), v.Message);
        }
    }

    /// <summary>The CSV column a field is read from; null for rules about the plate's wells as a whole.</summary>
    public static string? ColumnOf(PlateField field) => field switch
    {
        PlateField.PlateId => PlateIdColumn,
        PlateField.Target => TargetColumn,
        PlateField.Assay => AssayColumn,
        PlateField.PlateFormat => PlateFormatColumn,
        PlateField.LigandNm => LigandColumn,
        PlateField.LigandKdNm => LigandKdColumn,
        PlateField.Well => WellColumn,
        PlateField.Role => RoleColumn,
        PlateField.CompoundId => CompoundIdColumn,
        PlateField.ConcentrationNm => ConcentrationColumn,
        PlateField.Signal => SignalColumn,
        _ => null,
    };

    /// <summary>Writes plates in the spec's column order: LF line ends, invariant round-trippable numbers.</summary>
    public static void Write(TextWriter writer, IEnumerable<PlateRead> plates)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plates);
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        var fields = new string[Columns.Count];
        foreach (var plate in plates)
        {
            var target = TargetName(plate.Target);
            var assay = AssayName(plate.Assay);
            var ligand = Number(plate.LigandNm);
            var kd = Number(plate.LigandKdNm);
            var format = ((int)plate.Format).ToString(CultureInfo.InvariantCulture);
            foreach (var well in plate.Wells)
            {
                fields[0] = plate.PlateId;
                fields[1] = target;
                fields[2] = assay;
                fields[3] = well.Position.ToString();
                fields[4] = PlateRules.RoleName(well.Role);
                fields[5] = well.CompoundId ?? string.Empty;
                fields[6] = Number(well.ConcentrationNm);
                fields[7] = double.IsNaN(well.Signal) && well.Role == WellRole.Empty ? string.Empty : Number(well.Signal);
                fields[8] = ligand;
                fields[9] = kd;
                fields[10] = format;
                for (var i = 0; i < fields.Length; i++)
                {
                    if (i > 0)
                    {
                        writer.Write(',');
                    }

                    writer.Write(Escape(fields[i]));
                }

                writer.Write('\n');
            }
        }
    }

    public static string TargetName(Target target) => target switch
    {
        Target.Sert => "SERT",
        Target.Net => "NET",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a known target"),
    };

    public static string AssayName(AssayType assay) => assay switch
    {
        AssayType.Binding => "binding",
        AssayType.Uptake => "uptake",
        _ => throw new ArgumentOutOfRangeException(nameof(assay), assay, "not a known assay"),
    };

    /// <summary>Case-insensitive, as the spec says for target values.</summary>
    public static bool TryParseTarget(string text, out Target target)
    {
        target = default;
        foreach (var t in Enum.GetValues<Target>())
        {
            if (string.Equals(text, TargetName(t), StringComparison.OrdinalIgnoreCase))
            {
                target = t;
                return true;
            }
        }

        return false;
    }

    public static bool TryParseAssay(string text, out AssayType assay)
    {
        assay = default;
        foreach (var a in Enum.GetValues<AssayType>())
        {
            if (string.Equals(text, AssayName(a), StringComparison.OrdinalIgnoreCase))
            {
                assay = a;
                return true;
            }
        }

        return false;
    }

    public static bool TryParseRole(string text, out WellRole role)
    {
        role = default;
        foreach (var r in Enum.GetValues<WellRole>())
        {
            if (string.Equals(text, PlateRules.RoleName(r), StringComparison.OrdinalIgnoreCase))
            {
                role = r;
                return true;
            }
        }

        return false;
    }

    private static bool IsPlateLevel(PlateField field) => field is PlateField.PlateId or PlateField.Target
        or PlateField.Assay or PlateField.PlateFormat or PlateField.LigandNm or PlateField.LigandKdNm;

    private static string Number(double? value) =>
        value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static string Escape(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Groups rows into plates, parses values and checks that plate-level columns agree.</summary>
    private sealed class CsvPlateReader(string source)
    {
        private static readonly string[] PlateLevelColumns = [TargetColumn, AssayColumn, LigandColumn, LigandKdColumn, PlateFormatColumn];

        private readonly List<PlateCsvError> _errors = [];
        private readonly Dictionary<string, PlateBuilder> _plates = new(StringComparer.Ordinal);
        private readonly List<PlateBuilder> _order = [];
        private int _fileErrors;
        private int _droppedFileErrors;
        private Dictionary<string, int> _index = [];
        private int _fieldCount;

        public PlateCsvReadResult Read(CsvTokenizer tokenizer)
        {
            var sawHeader = false;
            var sawRow = false;
            while (true)
            {
                var status = tokenizer.Next(out var fields, out var line, out var problem);
                if (status == CsvTokenizer.Status.End)
                {
                    break;
                }

                if (status == CsvTokenizer.Status.Error)
                {
                    FileError(line, null, problem!);
                    break;
                }

                if (fields.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (!sawHeader)
                {
                    sawHeader = true;
                    if (!ReadHeader(fields, line))
                    {
                        break;
                    }

                    continue;
                }

                sawRow = true;
                ReadRow(fields, line);
            }

            if (!sawHeader && _fileErrors == 0)
            {
                FileError(null, null, "the file is empty: a header row and at least one well row are needed");
            }
            else if (sawHeader && !sawRow && _fileErrors == 0)
            {
                FileError(null, null, "the file has a header but no well rows");
            }

            if (_droppedFileErrors > 0)
            {
                _errors.Add(new PlateCsvError(source, null, null, null,
                    $"{_droppedFileErrors.ToString(CultureInfo.InvariantCulture)} more file errors not listed"));
            }

            var plates = new List<PlateCsvPlate>();
            foreach (var p in _order)
            {
                if (p.Dropped > 0)
                {
                    _errors.Add(new PlateCsvError(source, p.PlateId, null, null,
                        $"{p.Dropped.ToString(CultureInfo.InvariantCulture)} more errors on this plate not listed"));
                }

                if (_fileErrors == 0 && p.ErrorCount == 0)
                {
                    plates.Add(p.Build());
                }
            }

            return new PlateCsvReadResult(plates, _errors);
        }

        private bool ReadHeader(List<string> fields, int line)
        {
            _fieldCount = fields.Count;
            _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < fields.Count; i++)
            {
                var name = fields[i].Trim();
                if (name.Length == 0)
                {
                    continue;
                }

                if (!_index.TryAdd(name, i) && Columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    FileError(line, name, $"column {name} appears more than once in the header");
                }
            }

            foreach (var required in RequiredColumns)
            {
                if (!_index.ContainsKey(required))
                {
                    FileError(line, required,
                        $"the header has no {required} column (required: {string.Join(", ", RequiredColumns)})");
                }
            }

            return _fileErrors == 0;
        }

        private void ReadRow(List<string> fields, int line)
        {
            var plateId = Value(fields, PlateIdColumn);
            if (plateId.Length == 0)
            {
                FileError(line, PlateIdColumn, "plate_id is empty, so this row belongs to no plate");
                return;
            }

            if (!_plates.TryGetValue(plateId, out var plate))
            {
                plate = new PlateBuilder(plateId);
                _plates.Add(plateId, plate);
                _order.Add(plate);
            }

            if (fields.Count != _fieldCount)
            {
                RowError(plate, line, null,
                    $"the row has {fields.Count.ToString(CultureInfo.InvariantCulture)} fields but the header has {_fieldCount.ToString(CultureInfo.InvariantCulture)}");

                // Fields may be shifted: reading them would only add misleading errors.
                return;
            }

            foreach (var column in PlateLevelColumns)
            {
                var parsed = ParsePlateLevel(plate, column, Value(fields, column), line);
                if (parsed is not { } value)
                {
                    continue;
                }

                if (!plate.PlateLevel.TryGetValue(column, out var first))
                {
                    plate.PlateLevel.Add(column, (value, line));
                }
                else if (!Equals(first.Value.Parsed, value.Parsed))
                {
                    RowError(plate, line, column,
                        $"{column} is {Show(value.Raw)} on line {line.ToString(CultureInfo.InvariantCulture)} but {Show(first.Value.Raw)} on line {first.Line.ToString(CultureInfo.InvariantCulture)}; a plate-level column must hold the same value on every row of a plate");
                }
            }

            WellRole? role = null;
            var roleText = Value(fields, RoleColumn);
            if (roleText.Length > 0)
            {
                if (TryParseRole(roleText, out var r))
                {
                    role = r;
                }
                else
                {
                    RowError(plate, line, RoleColumn, $"unknown role {PlateRules.Quote(roleText)}; expected sample, total, nsb or empty");
                }
            }

            var compound = Value(fields, CompoundIdColumn);
            var concentration = ParseNumber(plate, line, ConcentrationColumn, Value(fields, ConcentrationColumn), "> 0");
            var signal = ParseNumber(plate, line, SignalColumn, Value(fields, SignalColumn), ">= 0");
            plate.Wells.Add(new WellInput(Value(fields, WellColumn), role, compound.Length == 0 ? null : compound, concentration, signal));
            plate.Lines.Add(line);
        }

        /// <summary>The parsed value (for comparison) and raw text (for messages) of a plate-level column; null if unparseable.</summary>
        private (object? Parsed, string Raw)? ParsePlateLevel(PlateBuilder plate, string column, string raw, int line)
        {
            if (raw.Length == 0)
            {
                return (null, raw);
            }

            switch (column)
            {
                case TargetColumn:
                    if (TryParseTarget(raw, out var target))
                    {
                        return (target, raw);
                    }

                    RowError(plate, line, column,
                        $"unknown target {PlateRules.Quote(raw)}; expected {string.Join(" or ", Enum.GetValues<Target>().Select(TargetName))}");
                    return null;
                case AssayColumn:
                    if (TryParseAssay(raw, out var assay))
                    {
                        return (assay, raw);
                    }

                    RowError(plate, line, column, $"unknown assay {PlateRules.Quote(raw)}; expected binding or uptake");
                    return null;
                case PlateFormatColumn:
                    if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var wells))
                    {
                        return (wells, raw);
                    }

                    RowError(plate, line, column, $"must be 96, 384 or 1536, got {PlateRules.Quote(raw)}");
                    return null;
                default:
                    return ParseNumber(plate, line, column, raw, "> 0") is { } number ? (number, raw) : null;
            }
        }

        private double? ParseNumber(PlateBuilder plate, int line, string column, string raw, string rule)
        {
            if (raw.Length == 0)
            {
                return null;
            }

            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            RowError(plate, line, column, $"must be a finite number {rule}, got {PlateRules.Quote(raw)}");
            return null;
        }

        /// <summary>Trimmed field value; missing fields of a short row read as empty (the row is already rejected).</summary>
        private string Value(List<string> fields, string column) =>
            _index.TryGetValue(column, out var i) && i < fields.Count ? fields[i].Trim() : string.Empty;

        private static string Show(string raw) => raw.Length == 0 ? "empty" : PlateRules.Quote(raw);

        private void RowError(PlateBuilder plate, int line, string? column, string message)
        {
            plate.ErrorCount++;
            if (plate.ErrorCount <= MaxErrorsPerPlate)
            {
                _errors.Add(new PlateCsvError(source, plate.PlateId, line, column, message));
            }
            else
            {
                plate.Dropped++;
            }
        }

        private void FileError(int? line, string? column, string message)
        {
            _fileErrors++;
            if (_fileErrors <= MaxErrorsPerPlate)
            {
                _errors.Add(new PlateCsvError(source, null, line, column, message));
            }
            else
            {
                _droppedFileErrors++;
            }
        }
    }

    private sealed class PlateBuilder(string plateId)
    {
        public string PlateId { get; } = plateId;
        public Dictionary<string, ((object? Parsed, string Raw) Value, int Line)> PlateLevel { get; } = [];
        public List<WellInput> Wells { get; } = [];
        public List<int> Lines { get; } = [];
        public int ErrorCount { get; set; }
        public int Dropped { get; set; }

        public PlateCsvPlate Build()
        {
            object? Get(string column) => PlateLevel.TryGetValue(column, out var v) ? v.Value.Parsed : null;
            var input = new PlateInput(
                PlateId,
                (Target?)Get(TargetColumn),
                (AssayType?)Get(AssayColumn),
                (int?)Get(PlateFormatColumn),
                (double?)Get(LigandColumn),
                (double?)Get(LigandKdColumn),
                Wells.ToArray());
            return new PlateCsvPlate(input, Lines.ToArray());
        }
    }

    /// <summary>RFC 4180 records from a reader, each with the 1-based line it starts on.</summary>
    private sealed class CsvTokenizer(TextReader reader)
    {
        public enum Status { Record, End, Error }

        private readonly char[] _buffer = new char[1 << 16];
        private readonly StringBuilder _field = new();
        private int _position;
        private int _length;
        private int _line = 1;
        private bool _started;

        public Status Next(out List<string> fields, out int line, out string? problem)
        {
            fields = [];
            problem = null;
            if (!_started)
            {
                _started = true;
                if (Peek() == '\uFEFF')
                {
                    Read();
                }
            }

            line = _line;
            if (Peek() < 0)
            {
                return Status.End;
            }

            while (true)
            {
                _field.Clear();
                if (Peek() == '"')
                {
                    var quoteLine = _line;
                    Read();
                    while (true)
                    {
                        var c = Read();
                        if (c < 0)
                        {
                            line = quoteLine;
                            problem = "the file ends inside a quoted field (a closing \" is missing; the file may be truncated)";
                            return Status.Error;
                        }

                        if (c == '"')
                        {
                            if (Peek() != '"')
                            {
                                break;
                            }

                            Read();
                        }
                        else if (c == '\n')
                        {
                            _line++;
                        }

                        _field.Append((char)c);
                    }

                    var after = Peek();
                    if (after is not (',' or '\n' or '\r' or -1))
                    {
                        line = _line;
                        problem = $"unexpected character '{(char)after}' after a closing quote (RFC 4180: a quote inside a quoted field is written \"\")";
                        return Status.Error;
                    }
                }
                else
                {
                    while (Peek() is var c && c >= 0 && c is not (',' or '\n' or '\r'))
                    {
                        if (c == '"')
                        {
                            line = _line;
                            problem = "a quote inside an unquoted field (RFC 4180: quote the whole field and write the quote as \"\")";
                            return Status.Error;
                        }

                        _field.Append((char)Read());
                    }
                }

                fields.Add(_field.ToString());
                var end = Read();
                switch (end)
                {
                    case ',':
                        continue;
                    case -1:
                        return Status.Record;
                    case '\n':
                        _line++;
                        return Status.Record;
                    default: // '\r'
                        if (Peek() == '\n')
                        {
                            Read();
                            _line++;
                            return Status.Record;
                        }

                        line = _line;
                        problem = "a bare CR line end: lines must end with LF or CRLF";
                        return Status.Error;
                }
            }
        }

        private int Peek()
        {
            if (_position == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length <= 0)
                {
                    _length = 0;
                    return -1;
                }
            }

            return _buffer[_position];
        }

        private int Read()
        {
            var c = Peek();
            if (c >= 0)
            {
                _position++;
            }

            return c;
        }
    }
}
