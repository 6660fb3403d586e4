using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Screening.Embedded;
using Screening.Protos.V1;
using Xunit.Abstractions;

namespace Screening.Services.Tests;

/// <summary>The embedded host on real loopback ports (free ones), with the reference panel ranked.</summary>
public sealed class RunningHostFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("screening-web-").FullName;
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public Uri Web { get; private set; } = null!;

    public GrpcChannel Channel => _channel!;

    public IReadOnlyList<Plate> Plates { get; } = TestPlates.Simulated(compounds: 16, replicates: 2);

    public async Task InitializeAsync()
    {
        _app = EmbeddedHost.Build([], new EmbeddedHostOptions { Port = 0, HttpPort = 0, DataDirectory = _data, Quiet = true });
        await _app.StartAsync();
        _channel = TestAuth.Channel(EmbeddedHost.Address(_app));
        Web = EmbeddedHost.WebViewAddress(_app);
        var ingestion = new PlateIngestion.PlateIngestionClient(_channel);
        await TestPlates.SubmitAllAsync(ingestion, Plates);
        await TestPlates.WaitUntilRankedAsync(ingestion, Plates.Select(p => p.PlateId), TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown: the temp directory is cleaned by the OS.
        }
    }
}

/// <summary>A test that drives Debian's chromium; skipped, with the reason, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"needs Debian's chromium at {Path}: tests/run.sh installs it (apt-get install chromium)";
        }
    }
}

/// <summary>The web view of a running embedded host, over real HTTP and in a headless browser.</summary>
public sealed partial class BrowserTests(RunningHostFixture host, ITestOutputHelper output) : IClassFixture<RunningHostFixture>
{
    [Fact]
    public async Task Plate_page_shows_the_heat_map_from_ingestion_in_the_same_host()
    {
        using var http = new HttpClient(TestAuth.Handler(TestAuth.Token, new SocketsHttpHandler()));
        var plate = host.Plates[0];
        var page = await http.GetStringAsync(new Uri(host.Web, $"/plates/{plate.PlateId}"));

        Assert.Contains("class=\"plate-heat-map\"", page, StringComparison.Ordinal);
        Assert.Equal(plate.Wells.Count(w => w.Role != WellRole.Empty), WellRect().Count(page));
        using var missing = await http.GetAsync(new Uri(host.Web, "/plates/NO-SUCH-PLATE"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [ChromiumFact]
    public async Task Ranking_page_in_chromium_lists_the_GetRanking_rows_and_the_compound_page_renders()
    {
        var selectivity = new Protos.V1.Selectivity.SelectivityClient(host.Channel);
        var expected = await selectivity.GetRankingAsync(new GetRankingRequest { Assay = AssayType.Binding, PageSize = 50 }, deadline: DateTime.UtcNow.AddSeconds(30));

        // live=false: an open event stream would keep the browser's virtual time from running out.
        var dom = await ChromiumAsync("--dump-dom", new Uri(host.Web, "/ranking?assay=binding&live=false&token=" + TestAuth.Token));
        var rows = RankingRow().Matches(dom).Select(m => (Rank: int.Parse(m.Groups["rank"].Value, System.Globalization.CultureInfo.InvariantCulture), Compound: WebUtility.HtmlDecode(m.Groups["compound"].Value))).ToArray();
        Assert.Equal(expected.Compounds.Select(c => ((int)c.Rank, c.CompoundId)), rows);

        var compound = await ChromiumAsync("--dump-dom", new Uri(host.Web, "/compounds/LEVOMILNACIPRAN?token=" + TestAuth.Token));
        Assert.Contains("class=\"dose-response\"", compound, StringComparison.Ordinal);
        Assert.Contains("binding and uptake disagree", compound, StringComparison.Ordinal);

        var directory = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "screening-web-view")).FullName;
        foreach (var (name, path) in new[] { ("ranking", "/ranking?assay=binding&live=false&token=" + TestAuth.Token), ("compound", "/compounds/LEVOMILNACIPRAN?token=" + TestAuth.Token) })
        {
            var file = System.IO.Path.Combine(directory, name + ".png");
            File.Delete(file);
            await ChromiumAsync($"--screenshot={file}", new Uri(host.Web, path), "--window-size=1280,900", "--hide-scrollbars");
            output.WriteLine($"screenshot: {file}");
            Assert.True(new FileInfo(file).Length > 20_000, $"{file} is {new FileInfo(file).Length} bytes: blank?");
            Assert.True(DistinctColors(File.ReadAllBytes(file)) > 50, $"{file} has (almost) a single colour");
        }
    }

    private async Task<string> ChromiumAsync(string action, Uri url, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var start = new ProcessStartInfo(ChromiumFactAttribute.Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--virtual-time-budget=5000", .. extra, action, url.ToString()])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium {action} {url} did not finish in 90 s");
            }

            if (process.ExitCode != 0)
            {
                output.WriteLine(await stderr);
            }

            Assert.Equal(0, process.ExitCode);
            return await stdout;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // chromium may still be writing its profile on exit; it is in the temp directory.
            }
        }
    }

    /// <summary>Distinct RGB colours in a sample of rows of an 8-bit RGB or RGBA PNG (enough to tell a blank page).</summary>
    private static int DistinctColors(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at + 8));
                height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at + 12));
                Assert.Equal(8, png[at + 16]);
                channels = png[at + 17] switch { 2 => 3, 6 => 4, var t => throw new InvalidDataException($"PNG colour type {t}") };
            }
            else if (type == "IDAT")
            {
                idat.Write(png, at + 8, length);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        // Undo the per-row PNG filters (None, Sub, Up, Average, Paeth).
        var data = inflated.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var row = new byte[stride];
        var colors = new HashSet<int>();
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            Array.Copy(data, (y * (stride + 1)) + 1, row, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                row[i] = (byte)(row[i] + filter switch
                {
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => 0,
                });
            }

            if (y % 4 == 0)
            {
                for (var x = 0; x < width; x += 2)
                {
                    colors.Add((row[x * channels] << 16) | (row[(x * channels) + 1] << 8) | row[(x * channels) + 2]);
                }
            }

            (previous, row) = (row, previous);
        }

        return colors.Count;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    [GeneratedRegex("<tr data-compound=\"(?<compound>[^\"]*)\"><td class=\"num rank\">(?<rank>\\d+)</td>")]
    private static partial Regex RankingRow();

    [GeneratedRegex("<rect class=\"well ")]
    private static partial Regex WellRect();
}
