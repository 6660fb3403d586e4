using Screening.Protos.V1;

namespace Screening.Ingestion;

/// <summary>How a plate's status is stored (lower-case words, stable across versions).</summary>
internal static class PlateStatusNames
{
    public const string Received = "received";
    public const string Fitted = "fitted";
    public const string Ranked = "ranked";
    public const string FailedQc = "failed_qc";
    public const string Failed = "failed";

    public static PlateStatus ToProto(string status) => status switch
    {
        Received => PlateStatus.Received,
        Fitted => PlateStatus.Fitted,
        Ranked => PlateStatus.Ranked,
        FailedQc => PlateStatus.FailedQc,
        Failed => PlateStatus.Failed,
        _ => PlateStatus.Unspecified,
    };
}
