using System.Buffers;
using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Screening.Analysis.Curves;

namespace Screening.Cli.Commands;

/// <summary>
/// `screen fit FILE`: fits every curve of a `curve_id,log_conc,response` CSV locally with
/// <see cref="DoseResponseFitter"/> on every core, prints the fits as a JSON array (one curve per line)
/// and the fit rate on stderr. No server involved.
/// </summary>
internal static class FitCommand
{
    private const string Header = "curve_id,log_conc,response";

    /// <summary>Curves handed to a worker at a time: large enough that scheduling costs nothing next to the fits.</summary>
    private const int CurvesPerChunk = 64;

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "CSV with header curve_id,log_conc,response (log10 molar; rows of a curve need not be contiguous)" };
        var model = new Option<string>("--model")
        {
            Description = "4pl (free Hill slope), hill1 (Hill slope -1) or 5pl (asymmetric)",
            DefaultValueFactory = _ => "4pl",
        };
        model.AcceptOnlyFromAmong("4pl", "hill1", "5pl");
        var fix = new Option<string[]>("--fix")
        {
            Description = "hold a parameter fixed, e.g. bottom=0, top=100, hill=-1, log_ic50=-7, asymmetry=1 (repeatable)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "worker threads (default: every core)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--threads must be at least 1");
            }
        });
        var midpoint = new Option<double?>("--midpoint")
        {
            Description = "response at 50 % of the control window (50 for percent data); potencies whose curve does not cross it in range are qualified > or <. Default: qualify by the fitted LogIC50 alone",
        };
        var command = new Command("fit", "Fit dose-response curves from a CSV file locally, on every core, and print them as JSON.")
        {
            file, model, fix, threads, midpoint,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(
            () => RunAsync(context, result.GetValue(file)!, result.GetValue(model)!, result.GetValue(fix) ?? [], result.GetValue(threads),
                result.GetValue(midpoint), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string path, string modelName, string[] fixes, int threads, double? midpoint, CancellationToken cancellationToken)
    {
        FitOptions options = Options(modelName, fixes) with { ResponseMidpoint = midpoint };
        Curves curves;
        using (var reader = new StreamReader(path))
        {
            curves = await ReadAsync(reader, path, cancellationToken).ConfigureAwait(false);
        }

        var results = new CurveFitResult[curves.Count];
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(
            Partitioner.Create(0, curves.Count, CurvesPerChunk),
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
            range =>
            {
                // Rows are grouped per curve in one pair of arrays: each fit reads a slice, nothing is copied.
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    int start = curves.Offsets[i];
                    int length = curves.Offsets[i + 1] - start;
                    results[i] = DoseResponseFitter.Fit(curves.LogMolar.AsSpan(start, length), curves.Response.AsSpan(start, length), options);
                }
            });
        clock.Stop();

        await WriteJsonAsync(context.Out, curves.Ids, results, modelName, cancellationToken).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"fitted {curves.Count} curves in {seconds:0.00} s: {(seconds > 0 ? curves.Count / seconds : 0):N0} fits/s on {threads} thread{(threads == 1 ? "" : "s")}")).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The fit options for a model name and `name=value` fixes; a bad fix is a one-line error.</summary>
    internal static FitOptions Options(string modelName, IEnumerable<string> fixes)
    {
        var options = new FitOptions
        {
            Model = modelName switch
            {
                "hill1" => CurveModel.HillOne,
                "5pl" => CurveModel.FiveParameter,
                _ => CurveModel.FourParameter,
            },
        };
        foreach (string fix in fixes)
        {
            string[] parts = fix.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                || !double.IsFinite(value))
            {
                throw new CliException($"--fix {fix}: expected NAME=NUMBER, e.g. bottom=0");
            }

            options = parts[0].ToUpperInvariant() switch
            {
                "BOTTOM" => options with { FixedBottom = value },
                "TOP" => options with { FixedTop = value },
                "HILL" or "HILL_SLOPE" when options.Model == CurveModel.HillOne =>
                    throw new CliException("--fix hill: --model hill1 already fixes the Hill slope at -1"),
                "HILL" or "HILL_SLOPE" => options with { FixedHillSlope = value },
                "LOG_IC50" => options with { FixedLogIC50 = value },
                "ASYMMETRY" or "S" when options.Model != CurveModel.FiveParameter =>
                    throw new CliException($"--fix {fix}: the asymmetry belongs to --model 5pl only"),
                "ASYMMETRY" or "S" when !(value > 0) => throw new CliException($"--fix {fix}: the asymmetry must be positive"),
                "ASYMMETRY" or "S" => options with { FixedAsymmetry = value },
                _ => throw new CliException($"--fix {fix}: unknown parameter '{parts[0]}' (bottom, top, hill, log_ic50, asymmetry)"),
            };
        }

        return options;
    }

    /// <summary>Every curve's points, contiguous per curve: curve i is rows Offsets[i] .. Offsets[i+1]-1.</summary>
    internal sealed record Curves(string[] Ids, int[] Offsets, double[] LogMolar, double[] Response)
    {
        public int Count => Ids.Length;
    }

    /// <summary>Reads the CSV; curves keep the order of their first row. A bad row stops with its line and column.</summary>
    internal static async Task<Curves> ReadAsync(TextReader reader, string name, CancellationToken cancellationToken)
    {
        string? header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (header is null || !string.Equals(string.Join(',', header.Split(',').Select(h => h.Trim())), Header, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"{name} line 1: expected the header '{Header}'");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<string>();
        var curveOfRow = new List<int>();
        var xs = new List<double>();
        var ys = new List<double>();
        int lineNumber = 1;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != 3)
            {
                throw new CliException($"{name} line {lineNumber}: expected 3 columns (curve_id,log_conc,response), found {fields.Length}");
            }

            string id = fields[0].Trim();
            if (id.Length == 0)
            {
                throw new CliException($"{name} line {lineNumber}, column 1 (curve_id): empty");
            }

            // log_conc = -inf is a zero-concentration control; it informs the low-dose plateau.
            double x = Number(fields[1], name, lineNumber, 2, "log_conc", allowNegativeInfinity: true);
            double y = Number(fields[2], name, lineNumber, 3, "response", allowNegativeInfinity: false);
            if (!index.TryGetValue(id, out int curve))
            {
                curve = ids.Count;
                index.Add(id, curve);
                ids.Add(id);
            }

            curveOfRow.Add(curve);
            xs.Add(x);
            ys.Add(y);
        }

        // Counting sort of the rows by curve, stable, so each curve is one slice.
        int[] offsets = new int[ids.Count + 1];
        foreach (int curve in curveOfRow)
        {
            offsets[curve + 1]++;
        }

        for (int i = 0; i < ids.Count; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        int[] next = offsets[..^1];
        double[] logMolar = new double[xs.Count];
        double[] response = new double[ys.Count];
        for (int row = 0; row < curveOfRow.Count; row++)
        {
            int at = next[curveOfRow[row]]++;
            logMolar[at] = xs[row];
            response[at] = ys[row];
        }

        return new Curves([.. ids], offsets, logMolar, response);
    }

    private static double Number(string field, string name, int line, int column, string columnName, bool allowNegativeInfinity)
    {
        string text = field.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && (double.IsFinite(value) || (allowNegativeInfinity && double.IsNegativeInfinity(value))))
        {
            return value;
        }

        if (allowNegativeInfinity && string.Equals(text, "-inf", StringComparison.OrdinalIgnoreCase))
        {
            return double.NegativeInfinity;
        }

        throw new CliException($"{name} line {line}, column {column} ({columnName}): '{text}' is not a finite number");
    }

    private static async Task WriteJsonAsync(
        TextWriter output, string[] ids, CurveFitResult[] results, string modelName, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using var json = new Utf8JsonWriter(buffer);
        await output.WriteAsync('[').ConfigureAwait(false);
        for (int i = 0; i < results.Length; i++)
        {
            json.Reset(buffer);
            WriteCurve(json, ids[i], modelName, results[i]);
            json.Flush();
            await output.WriteAsync(i == 0 ? "\n" : ",\n").ConfigureAwait(false);
            await output.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
            buffer.ResetWrittenCount();
            cancellationToken.ThrowIfCancellationRequested();
        }

        await output.WriteLineAsync(results.Length == 0 ? "]" : "\n]").ConfigureAwait(false);
    }

    private static void WriteCurve(Utf8JsonWriter json, string id, string modelName, CurveFitResult fit)
    {
        bool fivePL = !double.IsNaN(fit.Asymmetry) || modelName == "5pl";
        json.WriteStartObject();
        json.WriteString("curve_id", id);
        json.WriteString("model", modelName);
        json.WriteString("status", fit.Status switch
        {
            FitStatus.Converged => "converged",
            FitStatus.NotConverged => "not_converged",
            FitStatus.TooFewPoints => "too_few_points",
            FitStatus.InvalidInput => "invalid_input",
            FitStatus.Flat => "flat",
            _ => "unknown",
        });
        Parameters(json, "parameters", fit.Estimates, fivePL ? fit.Asymmetry : null, fivePL ? fit.LogXb : null);
        Parameters(json, "standard_errors", fit.StandardErrors, fivePL ? fit.AsymmetryStandardError : null, fivePL ? fit.LogXbStandardError : null);

        Potency ic50 = fit.IC50;
        json.WriteStartObject("ic50_nM");
        Number(json, "value", ic50.Nanomolar);
        json.WriteString("qualifier", ic50.Qualifier switch
        {
            Qualifier.Equal => "=",
            Qualifier.Greater => ">",
            Qualifier.Less => "<",
            _ => "n/a",
        });
        Number(json, "ci95_low", ic50.Ci95LowNanomolar);
        Number(json, "ci95_high", ic50.Ci95HighNanomolar);
        json.WriteEndObject();
        json.WriteStartArray("log_ic50_ci95");
        Number(json, null, ic50.Ci95LowLogMolar);
        Number(json, null, ic50.Ci95HighLogMolar);
        json.WriteEndArray();

        Number(json, "sse", fit.SumOfSquares);
        json.WriteNumber("df", fit.DegreesOfFreedom);
        json.WriteNumber("points", fit.Points);
        Number(json, "r_squared", fit.RSquared);
        json.WriteNumber("iterations", fit.Iterations);
        json.WriteEndObject();
    }

    private static void Parameters(Utf8JsonWriter json, string name, LogisticParameters p, double? asymmetry, double? logXb)
    {
        json.WriteStartObject(name);
        Number(json, "bottom", p.Bottom);
        Number(json, "top", p.Top);
        Number(json, "log_ic50", p.LogIC50);
        Number(json, "hill_slope", p.HillSlope);
        if (asymmetry is { } s)
        {
            Number(json, "asymmetry", s);
        }

        if (logXb is { } xb)
        {
            Number(json, "log_xb", xb);
        }

        json.WriteEndObject();
    }

    /// <summary>NaN and infinities are not JSON numbers: they are written as null.</summary>
    private static void Number(Utf8JsonWriter json, string? name, double value)
    {
        if (name is not null)
        {
            json.WritePropertyName(name);
        }

        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
