using Google.Protobuf;
using Grpc.Core;
using Screening.Analysis.Plates;
using Screening.Protos.V1;

namespace Screening.Services.Tests;

/// <summary>
/// Bounded fuzzing: mangled protobuf sent to the real gRPC methods, and mangled plate CSV
/// through the reader and the rules. Nothing may crash: every input gets an answer, and the
/// service still works afterwards.
/// </summary>
public sealed class FuzzTests : IClassFixture<EmbeddedFactory>
{
    private const int Rounds = 300;
    private readonly EmbeddedFactory _factory;

    public FuzzTests(EmbeddedFactory factory) => _factory = factory;

    [Fact]
    public async Task Mangled_protobuf_never_crashes_ingestion()
    {
        var valid = new SubmitPlateRequest { Plate = TestPlates.Simulated(compounds: 1, replicates: 1)[0] }.ToByteArray();
        var method = new Method<byte[], byte[]>(MethodType.Unary, "screening.v1.PlateIngestion", "SubmitPlate",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var random = new Random(1234);
        var statuses = new Dictionary<StatusCode, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var bytes = Mangle(valid, random);
            try
            {
                await _factory.Channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), bytes);
                statuses[StatusCode.OK] = statuses.GetValueOrDefault(StatusCode.OK) + 1;
            }
            catch (RpcException e)
            {
                Assert.NotEqual(StatusCode.Unavailable, e.StatusCode);
                Assert.NotEqual(StatusCode.DeadlineExceeded, e.StatusCode);
                statuses[e.StatusCode] = statuses.GetValueOrDefault(e.StatusCode) + 1;
            }
        }

        Assert.True(statuses.Keys.Count > 1, string.Join(", ", statuses.Select(kv => $"{kv.Key} {kv.Value}")));
        var plate = TestPlates.Simulated(compounds: 1, replicates: 1)[1];
        var response = await _factory.Ingestion.SubmitPlateAsync(new SubmitPlateRequest { Plate = plate }, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal(plate.PlateId, response.PlateId);
    }

    [Fact]
    public void Mangled_csv_never_crashes_the_reader_or_the_rules()
    {
        var plate = PlateSimulator.Simulate(ReferencePanel.Default.Take(1).ToArray(), new SimulationOptions(ReplicatePlates: 1))[0];
        using var writer = new StringWriter();
        PlateCsv.Write(writer, [plate]);
        var valid = System.Text.Encoding.UTF8.GetBytes(writer.ToString());
        var random = new Random(4321);
        for (var round = 0; round < Rounds; round++)
        {
            var text = System.Text.Encoding.UTF8.GetString(Mangle(valid, random));
            var result = PlateCsv.Read(new StringReader(text), "fuzz.csv");
            foreach (var p in result.Plates)
            {
                var validation = PlateRules.Validate(p.Input);
                _ = PlateCsv.Describe(p, validation.Violations, "fuzz.csv").ToList();
            }

            Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        }
    }

    /// <summary>Flips, deletes, duplicates or truncates a few bytes.</summary>
    private static byte[] Mangle(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        var edits = random.Next(1, 6);
        for (var i = 0; i < edits && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.InsertRange(at, bytes.Skip(at).Take(random.Next(1, 16)).ToArray()); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }
}
