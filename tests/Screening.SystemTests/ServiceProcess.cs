using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Screening.SystemTests;

/// <summary>
/// One service running as its own process (`dotnet Screening.X.dll`), configured only by
/// environment variables, with its output kept for assertions. Can be killed (SIGKILL) and
/// started again on the same ports and configuration.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _name;
    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ServiceProcess(string name, string label, IReadOnlyDictionary<string, string> environment)
    {
        _name = name;
        Label = label;
        GrpcPort = FreePort();
        HttpPort = FreePort();
        _environment = new Dictionary<string, string>(environment)
        {
            ["Endpoints__Grpc"] = Url(GrpcPort),
            ["Endpoints__Http"] = Url(HttpPort),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Screening"] = "Information",
        };
    }

    public string Label { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public Uri GrpcAddress => new(Url(GrpcPort));

    public IEnumerable<string> Output => _output;

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>Resident memory now, from /proc (0 when not running).</summary>
    public long ResidentBytes
    {
        get
        {
            try
            {
                var line = File.ReadLines($"/proc/{_process?.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    public async Task StartAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Locate(_name));
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Label} did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Label} exited with {_process.ExitCode} while starting:\n{string.Join('\n', _output)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url(HttpPort) + "/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Label} was not healthy within {timeout}:\n{string.Join('\n', _output)}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining; whatever was in flight is cut off.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The service's built dll: beside this test's own output when everything was built
    /// into one artifacts folder, else under services/&lt;name&gt;/bin with this build's configuration.
    /// </summary>
    private static string Locate(string name)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var candidates = new List<string>
        {
            // artifacts layout: bin/<project>/<configuration>/
            Path.Combine(here.Parent!.Parent!.FullName, name, here.Name, name + ".dll"),
        };
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Screening.sln")))
            {
                // classic layout: bin/<Configuration>/<tfm>/
                candidates.Add(Path.Combine(dir.FullName, "services", name, "bin", here.Parent.Name, here.Name, name + ".dll"));
                break;
            }
        }

        return candidates.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new FileNotFoundException($"{name}.dll not found; looked in:\n{string.Join('\n', candidates)}");
    }
}
