using System.ComponentModel.DataAnnotations;

namespace Screening.ServiceDefaults.Storage;

public enum StorageProvider
{
    Sqlite = 1,
    Postgres = 2,
}

/// <summary>
/// Section "Storage". Each service owns its own database: the connection string is
/// ConnectionStrings:&lt;service&gt; (e.g. ConnectionStrings__ingestion); for SQLite it
/// defaults to &lt;DataDirectory&gt;/&lt;service&gt;.db.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    [Required]
    public string DataDirectory { get; set; } = "data";
}
