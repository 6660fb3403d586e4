namespace Screening.SystemTests;

/// <summary>
/// A test that needs the RabbitMQ and PostgreSQL that tests/run.sh starts. Skipped, with
/// the reason, where they are not there (a plain `dotnet test` on a laptop).
/// </summary>
public sealed class SystemFactAttribute : FactAttribute
{
    public SystemFactAttribute()
    {
        if (!Infrastructure.IsAvailable)
        {
            Skip = "needs RabbitMQ and PostgreSQL: run tests/run.sh (SCREENING_RABBITMQ / SCREENING_POSTGRES unset)";
        }
    }
}
